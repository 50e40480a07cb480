// Reads one DATA stream into memory, but never more than the size limit, and
// settles its line endings. The stream is always read to its end: smtp-server
// only answers once it has seen "<CRLF>.<CRLF>" (the only sequence that ends
// DATA), and draining is what keeps the connection in sync with the client.
//
// RFC 5321 §2.3.8 says CR and LF occur only together, but real senders do not
// all agree: Python's smtplib.sendmail(…, msg.as_bytes()), many scripts and
// web forms end lines with a bare LF. As Postfix and Dovecot do, such a
// message is accepted and stored with CRLF line endings. Refused are only the
// shapes SMTP smuggling (CVE-2023-51766 and kin) needs to hide a second
// message behind an end of DATA that some other server would see:
//   - a line holding a single dot next to a bare LF ("<LF>.<LF>",
//     "<LF>.<CRLF>", "<CRLF>.<LF>"; smtp-server has already removed the
//     stuffing dot of "<LF>..<LF>", so that arrives here as "<LF>.<LF>" too);
//   - a bare CR anywhere ("<CR>.<CR>", "<CRLF>.<CR><CRLF>", …): no sender we
//     know of emits one, and IMAP and POP3 clients could not be given it
//     faithfully either.
// A bare-LF message whose body has a line of a single dot is therefore
// refused; a line of several dots is not.
import type { Readable } from "node:stream";

export type Collected =
  /** `raw` has CRLF line endings only (bare LFs became CRLF). */
  | { kind: "ok"; raw: Buffer }
  /** `size`: the bytes received; `head`: the first chunk, for the message trace's Message-ID and Subject. */
  | { kind: "too-big"; size: number; head: Buffer }
  /** A shape smuggling needs (above). `raw` exactly as received, for callers that repair (submission). */
  | { kind: "smuggling"; raw: Buffer };

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export async function collectMessage(stream: Readable, maxBytes: number): Promise<Collected> {
  const chunks: Buffer[] = [];
  let head: Buffer | null = null;
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
      head ??= chunks[0] ?? chunk;
      tooBig = true;
      // Stop buffering; keep reading only so that the reply follows the terminator.
      chunks.length = 0;
    }
    if (!tooBig) chunks.push(chunk);
  }
  if (tooBig) return { kind: "too-big", size, head: head ?? Buffer.alloc(0) };
  const raw = Buffer.concat(chunks, size);
  // Most mail has CRLF only and is returned as it came. A trailing CR would
  // only be followed by the terminator's own CRLF: bare.
  if (!bare && !endsWithCr) return { kind: "ok", raw };
  const normalized = withCrlfLineEndings(raw);
  return normalized ? { kind: "ok", raw: normalized } : { kind: "smuggling", raw };
}

/**
 * `raw` with every bare LF turned into CRLF, or null when it holds a shape
 * SMTP smuggling needs (a bare CR, or a single-dot line next to a bare LF).
 */
export function withCrlfLineEndings(raw: Buffer): Buffer | null {
  let bareLfs = 0;
  let lineStart = 0;
  let previousBare = false;
  for (;;) {
    const lf = raw.indexOf(LF, lineStart);
    const end = lf === -1 ? raw.length : lf;
    // The only CR allowed in a line is the one right before its LF.
    const cr = raw.indexOf(CR, lineStart);
    if (cr !== -1 && (cr < end - 1 || lf === -1)) return null;
    if (lf === -1) break;
    const isBare = lf === 0 || raw[lf - 1] !== CR;
    const contentEnd = isBare ? lf : lf - 1;
    if (contentEnd - lineStart === 1 && raw[lineStart] === DOT && (isBare || previousBare)) return null;
    if (isBare) bareLfs++;
    previousBare = isBare;
    lineStart = lf + 1;
  }
  if (bareLfs === 0) return raw;
  // One copy into a buffer of the final size: a 50 MiB message may have a million lines.
  const out = Buffer.allocUnsafe(raw.length + bareLfs);
  let written = 0;
  let copied = 0;
  for (let lf = raw.indexOf(LF); lf !== -1; lf = raw.indexOf(LF, lf + 1)) {
    if (lf > 0 && raw[lf - 1] === CR) continue;
    written += raw.copy(out, written, copied, lf);
    out[written++] = CR;
    out[written++] = LF;
    copied = lf + 1;
  }
  raw.copy(out, written, copied);
  return out;
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
