// A real HTTP client for GET /api/live that parses Server-Sent Events frames,
// for tests that watch what a browser would receive.
import http from "node:http";

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  frames: SseFrame[];
  /** Comment lines (": ping"), in order. */
  comments: string[];
  /** The first frame from index `from` on (seen or still to come) that matches; rejects after timeoutMs. */
  next(predicate: (f: SseFrame) => boolean, timeoutMs?: number, from?: number): Promise<SseFrame>;
  close(): void;
}

export function openSseStream(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: "text/event-stream", ...headers } }, (response) => {
      const frames: SseFrame[] = [];
      const comments: string[] = [];
      const waiters: { predicate: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }[] = [];
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          const frame: SseFrame = { event: "message", data: "" };
          let isFrame = false;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line);
            else if (line.startsWith("id: ")) frame.id = line.slice(4);
            else if (line.startsWith("event: ")) frame.event = line.slice(7);
            else if (line.startsWith("data: ")) {
              frame.data = line.slice(6);
              isFrame = true;
            }
          }
          if (!isFrame) continue;
          frames.push(frame);
          for (const waiter of [...waiters]) {
            if (waiter.predicate(frame)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(frame);
            }
          }
        }
      });
      resolve({
        status: response.statusCode ?? 0,
        frames,
        comments,
        next(predicate, timeoutMs = 2000, from = 0) {
          const found = frames.slice(from).find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event within ${timeoutMs} ms`)), timeoutMs);
            waiters.push({
              predicate,
              resolve: (f) => {
                clearTimeout(timer);
                ok(f);
              },
            });
          });
        },
        close() {
          request.destroy();
        },
      });
    });
    request.on("error", (e) => {
      if ((e as NodeJS.ErrnoException).code !== "ECONNRESET") reject(e);
    });
  });
}
