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

/**
 * Server-Sent Events frames parsed from text as it arrives, with waiters for
 * a frame to come: shared by the HTTP client below and by tests that read a
 * live stream's body directly.
 */
export class SseFrames {
  readonly frames: SseFrame[] = [];
  /** Comment lines (": ping"), in order. */
  readonly comments: string[] = [];
  private buffer = "";
  private readonly waiters: { predicate: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }[] = [];

  push(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf("\n\n");
      const frame: SseFrame = { event: "message", data: "" };
      let isFrame = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line);
        else if (line.startsWith("id: ")) frame.id = line.slice(4);
        else if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) {
          frame.data = line.slice(6);
          isFrame = true;
        }
      }
      if (!isFrame) continue;
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(frame)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    }
  }

  /** The first frame from index `from` on (seen or still to come) that matches; rejects after timeoutMs. */
  next(predicate: (f: SseFrame) => boolean, timeoutMs = 2000, from = 0): Promise<SseFrame> {
    const found = this.frames.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no matching event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (f) => {
          clearTimeout(timer);
          ok(f);
        },
      });
    });
  }
}

export function openSseStream(url: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: "text/event-stream", ...headers } }, (response) => {
      const parsed = new SseFrames();
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => parsed.push(chunk));
      resolve({
        status: response.statusCode ?? 0,
        frames: parsed.frames,
        comments: parsed.comments,
        next: (predicate, timeoutMs, from) => parsed.next(predicate, timeoutMs, from),
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
