// A deliberately plain SMTP client for load generation (RFC 5321): one command,
// one reply, no PIPELINING, no TLS, no AUTH. It times the interval from writing
// the end-of-data "." to reading the final reply, which is the time a server
// takes to make the message durable and say so.
import net from "node:net";

export interface Reply {
  code: number;
  text: string;
}

export class SmtpSession {
  private buffer = "";
  private lines: string[] = [];
  private waiter: ((reply: Reply | Error) => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  /** Connects and reads the greeting; rejects unless it is 220. */
  static async connect(host: string, port: number): Promise<{ session: SmtpSession; greeting: Reply }> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port }, () => {
        s.off("error", reject);
        resolve(s);
      });
      s.once("error", reject);
    });
    const session = new SmtpSession(socket);
    const greeting = await session.reply();
    if (greeting.code !== 220) {
      session.destroy();
      throw new Error(`greeting: ${greeting.code} ${greeting.text}`);
    }
    return { session, greeting };
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf("\r\n");
    while (end !== -1) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.lines.push(line);
      // "250-..." continues a reply, "250 ..." (or a bare code) ends it.
      if (line.length < 4 || line[3] === " ") {
        const reply: Reply = { code: Number(line.slice(0, 3)), text: this.lines.map((l) => l.slice(4)).join("\n") };
        this.lines = [];
        const waiter = this.waiter;
        this.waiter = null;
        if (waiter) waiter(reply);
        else this.fail(new Error(`unexpected reply: ${line}`));
      }
      end = this.buffer.indexOf("\r\n");
    }
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(error);
  }

  /** The next reply from the server. */
  reply(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      this.waiter = (r) => (r instanceof Error ? reject(r) : resolve(r));
    });
  }

  async command(line: string, expect: number): Promise<Reply> {
    const reply = this.reply();
    this.socket.write(`${line}\r\n`);
    const r = await reply;
    if (r.code !== expect) throw new SmtpReplyError(line, r);
    return r;
  }

  /**
   * MAIL, RCPT, DATA and the message; resolves with the milliseconds from
   * writing the final "." to the 250. `message` must already be dot-stuffed
   * and end with CRLF.
   */
  async send(from: string, to: string, message: Buffer): Promise<number> {
    await this.command(`MAIL FROM:<${from}>`, 250);
    await this.command(`RCPT TO:<${to}>`, 250);
    await this.command("DATA", 354);
    this.socket.write(message);
    const reply = this.reply();
    const t0 = performance.now();
    this.socket.write(".\r\n");
    const r = await reply;
    const elapsed = performance.now() - t0;
    if (r.code !== 250) throw new SmtpReplyError("end of data", r);
    return elapsed;
  }

  async quit(): Promise<void> {
    try {
      await this.command("QUIT", 221);
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class SmtpReplyError extends Error {
  constructor(
    readonly command: string,
    readonly reply: Reply,
  ) {
    super(`${command}: ${reply.code} ${reply.text}`);
  }
}

/** RFC 5321 §4.5.2 transparency, and CRLF line ends; the result ends with CRLF. */
export function dotStuff(message: string): Buffer {
  const lines = message.replace(/\r?\n/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return Buffer.from(`${lines.map((l) => (l.startsWith(".") ? `.${l}` : l)).join("\r\n")}\r\n`, "utf8");
}
