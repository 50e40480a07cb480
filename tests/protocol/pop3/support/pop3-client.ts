// A deliberately plain POP3 client for transcript tests: it sends exactly
// the bytes a test gives it and returns responses as they arrive, so tests
// can assert the server's wire format (RFC 1939 §3) and send malformed input.
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";

export class Pop3Client {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  /** Connects and reads the greeting. `ca`: implicit TLS trusting this certificate. */
  static async connect(
    port: number,
    options: { host?: string; ca?: Buffer } = {},
  ): Promise<{ client: Pop3Client; greeting: string }> {
    const host = options.host ?? "127.0.0.1";
    const socket = options.ca
      ? connectTls({ port, host, ca: options.ca, servername: "localhost" })
      : connectTcp({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.ca ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    const client = new Pop3Client(socket);
    return { client, greeting: await client.readLine() };
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line and reads the one-line response. */
  async send(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine();
  }

  /** Sends a command whose +OK response is multi-line; `body` is the raw bytes between the first line and ".". */
  async sendMulti(line: string): Promise<{ first: string; body: Buffer }> {
    this.write(`${line}\r\n`);
    return this.readMulti();
  }

  async readMulti(): Promise<{ first: string; body: Buffer }> {
    const first = await this.readLine();
    if (!first.startsWith("+OK")) return { first, body: Buffer.alloc(0) };
    const parts: Buffer[] = [];
    for (;;) {
      const line = await this.readRawLine();
      if (line.equals(Buffer.from(".\r\n"))) break;
      parts.push(line);
    }
    return { first, body: Buffer.concat(parts) };
  }

  async readLine(): Promise<string> {
    const line = await this.readRawLine();
    if (!line.subarray(-2).equals(Buffer.from("\r\n")))
      throw new Error(`line without CRLF: ${JSON.stringify(line.toString())}`);
    return line.subarray(0, -2).toString("utf8");
  }

  /** RFC 2595 §4: after "+OK" to STLS, the handshake on the same connection. */
  async startTls(ca: Buffer): Promise<void> {
    const raw = this.socket;
    raw.removeAllListeners("data");
    const secure = connectTls({ socket: raw, ca, servername: "localhost" });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  /** Resolves when the server has closed the connection. */
  async closed(): Promise<void> {
    while (!this.ended) await this.wait();
  }

  /** Bytes received and not yet read. */
  pending(): Buffer {
    return this.buffer;
  }

  close(): void {
    this.socket.destroy();
  }

  /** Closes the sending side only (FIN), as `printf … | nc` does after its last command. */
  finish(): void {
    this.socket.end();
  }

  private listen(socket: Socket): void {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  private async readRawLine(): Promise<Buffer> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf !== -1) {
        const line = this.buffer.subarray(0, lf + 1);
        this.buffer = this.buffer.subarray(lf + 1);
        return line;
      }
      if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString())}`);
      await this.wait();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}

/** RFC 1939 §3: the receiver removes the stuffed "." of lines that begin with "..". */
export function unstuff(body: Buffer): Buffer {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    const lf = body.indexOf(0x0a, start);
    const end = lf === -1 ? body.length : lf + 1;
    const line = body.subarray(start, end);
    lines.push(line[0] === 0x2e ? line.subarray(1) : line);
    start = end;
  }
  return Buffer.concat(lines);
}
