// A raw IMAP client for transcript tests: send a command line, collect the
// response lines up to its tagged completion, literals kept inline as
// "{n}\r\n<bytes>" so a transcript can show them as the RFC examples do.
import net from "node:net";
import tls from "node:tls";

export class TranscriptClient {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private closed = false;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<TranscriptClient> {
    const socket = options.tls
      ? tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false })
      : net.connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    return new TranscriptClient(socket);
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  /** Bytes written but not yet taken by the kernel (the peer is not reading). */
  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** One response line (literals inline), or null if the server closed first. */
  async readLine(timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.takeLine();
      if (line !== null) return line;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for a line; have ${JSON.stringify(this.buffer.toString("latin1"))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private takeLine(): string | null {
    let at = 0;
    for (;;) {
      const end = this.buffer.indexOf("\r\n", at);
      if (end < 0) return null;
      const literal = /\{(\d+)\}$/.exec(this.buffer.toString("latin1", Math.max(at, end - 12), end));
      if (!literal) {
        const line = this.buffer.toString("utf8", 0, end);
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      const size = Number(literal[1]);
      if (this.buffer.length < end + 2 + size) return null;
      at = end + 2 + size;
    }
  }

  /** Sends one command line and returns every line up to and including its tagged response. */
  async command(line: string): Promise<string[]> {
    const tag = line.slice(0, line.indexOf(" "));
    this.write(`${line}\r\n`);
    return this.until(tag);
  }

  async until(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line === null) return lines;
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  async startTls(): Promise<void> {
    const secure = tls.connect({ socket: this.socket as net.Socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}
