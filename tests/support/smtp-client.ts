// A deliberately dumb SMTP client for transcript tests: it writes exactly the
// bytes it is given and reads replies line by line (RFC 5321 §4.2: "xyz-" lines
// continue a reply, "xyz " ends it), so a test reads like an RFC example.
import net from "node:net";
import tls from "node:tls";

export interface Reply {
  code: number;
  /** Every line of the reply as received, e.g. ["250-mx.yubin.test", "250 SIZE 52428800"]. */
  lines: string[];
  /** The last line, e.g. "550 5.1.1 No such user". */
  last: string;
}

export class SmtpClient {
  private buffered = "";
  private waiting: (() => void) | null = null;
  private closed = false;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.listen();
  }

  static async connect(port: number, host = "127.0.0.1"): Promise<{ client: SmtpClient; greeting: Reply }> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new SmtpClient(socket);
    return { client, greeting: await client.reply() };
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  async send(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** Writes raw bytes: for DATA payloads, pipelining and smuggling attempts. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async reply(timeoutMs = 15_000): Promise<Reply> {
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.line(deadline);
      lines.push(line);
      if (!/^\d{3}-/.test(line)) return { code: Number(line.slice(0, 3)), lines, last: line };
    }
  }

  /** Reads every remaining reply until the server closes the connection. */
  async rest(timeoutMs = 5_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const lines: string[] = [];
    for (;;) {
      try {
        lines.push(await this.line(deadline));
      } catch (error) {
        if (this.closed) return lines;
        throw error;
      }
    }
  }

  /** RFC 3207: after "220 Ready to start TLS" the same socket carries TLS. */
  async startTls(): Promise<Reply> {
    const reply = await this.send("STARTTLS");
    if (reply.code !== 220) return reply;
    await this.handshake();
    return reply;
  }

  /**
   * Starts TLS on the socket as it is, for a test that wrote STARTTLS itself
   * (with commands pipelined behind it) and read the 220. Plaintext replies
   * not yet read are kept: a test can see that none came.
   */
  async handshake(): Promise<void> {
    this.socket.removeAllListeners("data");
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.listen();
  }

  /** Replies received but not read yet. */
  get unread(): string {
    return this.buffered;
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(): void {
    this.socket.setEncoding("latin1");
    this.socket.on("data", (chunk: string) => {
      this.buffered += chunk;
      this.wake();
    });
    this.socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on("error", () => {});
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  private async line(deadline: number): Promise<string> {
    for (;;) {
      const end = this.buffered.indexOf("\r\n");
      if (end !== -1) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 2);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffered)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply; unread: ${JSON.stringify(this.buffered)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
