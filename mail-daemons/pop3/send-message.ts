// RETR and TOP (RFC 1939 §5, §7): the stored message, streamed from the
// backend through the encoder (line endings, dot-stuffing, TOP's line limit)
// to the socket with backpressure, so a large message never sits in memory
// whole. The "+OK" line waits for the first chunk: a message that cannot be
// read gets -ERR [SYS/TEMP] instead of a response that breaks off.
import { WRITE_CHUNK_OCTETS } from "./limits.ts";
import { MessageEncoder } from "./message-encoder.ts";
import { err, ok } from "./responses.ts";
import type { Pop3Session } from "./session.ts";

export interface MessageRequest {
  number: number;
  /** RFC 1939 §7 TOP's n; omitted for RETR. */
  bodyLines?: number;
  size: number;
}

/** A read that failed after "+OK" went out: the response cannot be finished, so the connection must go. */
export class BrokenResponse extends Error {}

export async function sendMessage(session: Pop3Session, request: MessageRequest): Promise<void> {
  const iterator = session.openMaildrop.retrieve(request.number)[Symbol.asyncIterator]();
  let step: IteratorResult<Uint8Array>;
  try {
    step = await iterator.next();
  } catch (error) {
    session.log(`pop3: reading message ${request.number} failed: ${String(error)}`, "error");
    await session.send(err("Message cannot be read now, try again later", "SYS/TEMP"));
    return;
  }
  const encoder = new MessageEncoder(request.bodyLines);
  // Pieces wait here until about WRITE_CHUNK_OCTETS have gathered or the message ends, and go out
  // in one write: a small message is one "+OK" line, its bytes and "." in a single segment.
  const pending = new OutputBatch(session);
  pending.add(ok(request.bodyLines === undefined ? `${request.size} octets` : "Top of message follows"));
  try {
    while (!step.done) {
      const chunk = step.value;
      for (let offset = 0; offset < chunk.length && !encoder.finished; offset += WRITE_CHUNK_OCTETS) {
        for (const piece of encoder.push(chunk.subarray(offset, offset + WRITE_CHUNK_OCTETS))) pending.add(piece);
        if (pending.octets >= WRITE_CHUNK_OCTETS) await pending.flush();
      }
      if (encoder.finished) {
        // TOP has what it needs: let the backend stop reading.
        await iterator.return?.();
        break;
      }
      step = await iterator.next();
    }
  } catch (error) {
    if (session.closed) throw error;
    throw new BrokenResponse(`pop3: message ${request.number} broke off while sending: ${String(error)}`);
  }
  for (const piece of encoder.end()) pending.add(piece);
  await pending.flush();
  if (request.bodyLines === undefined && encoder.size !== request.size) {
    // The client was told another size (RFC 1939 §11): a backend bug worth seeing in the log.
    session.log(`pop3: message ${request.number} sent ${encoder.size} octets, listed as ${request.size}`);
  }
}

class OutputBatch {
  octets = 0;
  private pieces: (string | Buffer)[] = [];

  constructor(private readonly session: Pop3Session) {}

  add(piece: string | Buffer): void {
    this.pieces.push(piece);
    this.octets += piece.length;
  }

  async flush(): Promise<void> {
    const pieces = this.pieces;
    this.pieces = [];
    this.octets = 0;
    await this.session.sendAll(pieces);
  }
}
