// Writes responses to the socket in order, waiting for 'drain' when the
// socket's buffer is full, so a slow reader holds back FETCH instead of
// growing our memory. Bodies are streamed: the literal's size is announced
// first, so the stream must deliver exactly that many bytes.
import type { Duplex } from "node:stream";
import type { Log } from "../../../server/cluster/error-log.ts";
import { withoutNul } from "./encode.ts";

export class ResponseWriter {
  constructor(
    private socket: Duplex,
    private readonly log: Log,
  ) {}

  /** After STARTTLS the TLS socket replaces the plain one (RFC 9051 §6.2.1). */
  replaceSocket(socket: Duplex): void {
    this.socket = socket;
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.writableEnded;
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (this.closed) return;
    if (this.socket.write(chunk)) return;
    await this.drained();
  }

  untagged(text: string): Promise<void> {
    return this.write(`* ${text}\r\n`);
  }

  tagged(tag: string, status: "OK" | "NO" | "BAD", code: string | null, text: string): Promise<void> {
    return this.write(`${tag} ${status} ${code ? `[${code}] ` : ""}${text}\r\n`);
  }

  continuation(text: string): Promise<void> {
    return this.write(`+ ${text}\r\n`);
  }

  /**
   * Exactly `size` bytes from `chunks` (a literal, so NUL is replaced as in encode.ts): a backend that delivers fewer is
   * padded with spaces and one that delivers more is cut, because a wrong
   * count would desynchronise the client for the rest of the session.
   */
  async stream(chunks: AsyncIterable<Uint8Array>, size: number): Promise<void> {
    let sent = 0;
    for await (const chunk of chunks) {
      if (sent >= size) break;
      const piece = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, size - sent));
      sent += piece.length;
      await this.write(withoutNul(piece));
    }
    if (sent < size) {
      this.log(`imap: message stream ended ${size - sent} bytes short; padded`);
      await this.write(Buffer.alloc(size - sent, 0x20));
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.once("drain", done);
      this.socket.once("close", done);
    });
  }
}
