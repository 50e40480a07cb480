// Reads one DATA stream into memory, but never more than the size limit, and
// notes any bare CR or LF on the way. The stream is always read to its end:
// smtp-server only answers once it has seen "<CRLF>.<CRLF>", and draining is
// what keeps the connection in sync with the client.
import type { Readable } from "node:stream";

export type Collected =
  | { kind: "ok"; raw: Buffer }
  | { kind: "too-big" }
  /** RFC 5321 §2.3.8: CR and LF may only appear together, as CRLF. `raw` for callers that repair (submission). */
  | { kind: "bare-line-ending"; raw: Buffer };

const CR = 0x0d;
const LF = 0x0a;

export async function collectMessage(stream: Readable, maxBytes: number): Promise<Collected> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  let bare = false;
  let endsWithCr = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!bare) {
      bare = hasBareLineEnding(chunk, endsWithCr);
      endsWithCr = chunk[chunk.length - 1] === CR;
    }
    size += chunk.length;
    if (size > maxBytes) {
      tooBig = true;
      // Stop buffering; keep reading only so that the reply follows the terminator.
      chunks.length = 0;
    }
    if (!tooBig) chunks.push(chunk);
  }
  if (tooBig) return { kind: "too-big" };
  // A trailing CR would only be followed by the terminator's own CRLF.
  if (bare || endsWithCr) return { kind: "bare-line-ending", raw: Buffer.concat(chunks, size) };
  return { kind: "ok", raw: Buffer.concat(chunks, size) };
}

/** `afterCr`: the previous chunk ended with CR, so a leading LF completes a CRLF. */
export function hasBareLineEnding(chunk: Buffer, afterCr: boolean): boolean {
  if (afterCr && chunk.length > 0 && chunk[0] !== LF) return true;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
    if (i === 0 ? !afterCr : chunk[i - 1] !== CR) return true;
  }
  for (let i = chunk.indexOf(CR); i !== -1; i = chunk.indexOf(CR, i + 1)) {
    // A CR at the very end is settled by the next chunk.
    if (i + 1 < chunk.length && chunk[i + 1] !== LF) return true;
  }
  return false;
}
