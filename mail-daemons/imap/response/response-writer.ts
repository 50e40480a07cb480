// Writes responses to the socket in order, waiting for 'drain' when the
// socket's buffer is full, so a slow reader holds back FETCH instead of
// growing our memory. Bodies are streamed: the literal's size is announced
// first, so the stream must deliver exactly that many bytes.
//
// Small writes are gathered and go out together: a FETCH response is several
// pieces per message, and one socket write each made `UID FETCH 1:* (FLAGS)`
// of 10,000 messages some 60,000 system calls (bench:imap). Pieces wait
// until COALESCE_OCTETS have gathered, a tagged response or a continuation
// request ends what the client waits for, or the current turn of the event
// loop ends (process.nextTick), so an untagged response outside a command
// (IDLE) is not held either.
import type { Duplex } from "node:stream";
import type { Log } from "../../../server/cluster/error-log.ts";
import { withoutNul } from "./encode.ts";

/** Gathered bytes are written once there are this many; a larger piece is written on its own. */
const COALESCE_OCTETS = 64 * 1024;

export class ResponseWriter {
  private pending: Buffer[] = [];
  private pendingOctets = 0;
  private flushQueued = false;
  /** Set while the socket's buffer is full: writers wait for it. */
  private blocked: Promise<void> | null = null;

  constructor(
    private socket: Duplex,
    private readonly log: Log,
  ) {}

  /** After STARTTLS the TLS socket replaces the plain one (RFC 9051 §6.2.1); what was gathered goes out before. */
  replaceSocket(socket: Duplex): void {
    this.flushNow();
    this.socket = socket;
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.writableEnded;
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (this.blocked) await this.blocked;
    if (this.closed) return;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (bytes.length >= COALESCE_OCTETS) {
      this.flushNow();
      this.send(bytes);
    } else {
      this.pending.push(bytes);
      this.pendingOctets += bytes.length;
      if (this.pendingOctets >= COALESCE_OCTETS) this.flushNow();
      else if (!this.flushQueued) {
        this.flushQueued = true;
        process.nextTick(this.flushQueuedWrites);
      }
    }
    if (this.blocked) await this.blocked;
  }

  untagged(text: string): Promise<void> {
    return this.write(`* ${text}\r\n`);
  }

  async tagged(tag: string, status: "OK" | "NO" | "BAD", code: string | null, text: string): Promise<void> {
    await this.write(`${tag} ${status} ${code ? `[${code}] ` : ""}${text}\r\n`);
    this.flushNow();
  }

  async continuation(text: string): Promise<void> {
    await this.write(`+ ${text}\r\n`);
    this.flushNow();
  }

  /** Writes what was gathered (before the socket ends or changes hands). */
  flushNow(): void {
    if (this.pendingOctets === 0) return;
    const pieces = this.pending;
    this.pending = [];
    this.pendingOctets = 0;
    if (this.closed) return;
    this.send(pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces));
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

  private readonly flushQueuedWrites = () => {
    this.flushQueued = false;
    this.flushNow();
  };

  private send(bytes: Buffer): void {
    if (this.socket.write(bytes) || this.blocked) return;
    const socket = this.socket;
    this.blocked = new Promise<void>((resolve) => {
      const done = () => {
        socket.off("drain", done);
        socket.off("close", done);
        this.blocked = null;
        resolve();
      };
      socket.once("drain", done);
      socket.once("close", done);
    });
  }
}
