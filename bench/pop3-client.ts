// A lean POP3 client for bench/pop3.ts: one command at a time, as poplib,
// fetchmail and Outlook do (no pipelining), counting octets and timing each
// RETR from the command's write to the first byte of the answer and to the
// terminating ".". It does not parse messages: the load generator must cost
// as little CPU as possible, since it shares the machine with the servers.
import { connect, type Socket } from "node:net";

const TERMINATOR = Buffer.from("\r\n.\r\n");

export interface RetrTiming {
  /** Octets on the wire after the "+OK" line, terminator included. */
  octets: number;
  firstByteMs: number;
  totalMs: number;
}

export class BenchPop3Client {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private firstByteAt = 0;
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      if (this.buffered === 0 && this.firstByteAt === 0) this.firstByteAt = performance.now();
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.wake?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on("error", () => {});
  }

  static async connect(port: number): Promise<BenchPop3Client> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new BenchPop3Client(socket);
    const greeting = await client.line();
    if (!greeting.startsWith("+OK")) throw new Error(`POP3 greeting: ${greeting}`);
    return client;
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    const reply = await this.line();
    if (!reply.startsWith("+OK")) throw new Error(`${line.split(" ")[0]}: ${reply}`);
    return reply;
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`USER ${user}`);
    await this.command(`PASS ${password}`);
  }

  async retr(number: number): Promise<RetrTiming> {
    this.firstByteAt = 0;
    const start = performance.now();
    this.socket.write(`RETR ${number}\r\n`);
    const first = await this.line();
    if (!first.startsWith("+OK")) throw new Error(`RETR ${number}: ${first}`);
    const firstByteAt = this.firstByteAt;
    for (;;) {
      if (this.endsWithTerminator()) break;
      if (this.closed) throw new Error("connection closed during RETR");
      await this.waitForData();
    }
    const octets = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    return { octets, firstByteMs: firstByteAt - start, totalMs: performance.now() - start };
  }

  async quit(): Promise<void> {
    await this.command("QUIT").catch(() => {});
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }

  private endsWithTerminator(): boolean {
    if (this.buffered < TERMINATOR.length) return false;
    const last = this.chunks[this.chunks.length - 1] as Buffer;
    if (last.length >= TERMINATOR.length) return last.subarray(-TERMINATOR.length).equals(TERMINATOR);
    return Buffer.concat(this.chunks).subarray(-TERMINATOR.length).equals(TERMINATOR);
  }

  /** One line, taken off the front of what was received. */
  private async line(): Promise<string> {
    for (;;) {
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
      const end = all.indexOf("\r\n");
      if (end !== -1) {
        const rest = all.subarray(end + 2);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        return all.subarray(0, end).toString("latin1");
      }
      this.chunks = all.length > 0 ? [all] : [];
      if (this.closed) throw new Error("connection closed");
      await this.waitForData();
    }
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}
