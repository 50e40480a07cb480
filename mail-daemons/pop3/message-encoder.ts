// Turns stored message bytes into the body of a RETR or TOP multi-line
// response (RFC 1939 §3): every line ends in CRLF, a line that starts with
// "." gets one more (byte-stuffing), and TOP stops after the header section
// and n body lines. Incremental, so messages stream in chunks of any size.
//
// Yubin stores mail with CRLF already (DESIGN.md: bare LF is stored as CRLF),
// but imported or legacy bytes may hold a bare LF or CR. Each is sent as CRLF,
// and a last line without an ending gets one, so that the output is always a
// valid multi-line response. RFC 1939 §11: the size LIST and STAT report is
// the octets of that CRLF form *without* the stuffed dots ("lines in the
// message which start with the termination octet need not (and must not) be
// counted twice"); `size` counts exactly that, and `encodedSize` gives it for
// a whole message, so a backend can report sizes that match what is sent.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from("\r\n");
const STUFFED_DOT = Buffer.from(".");
const TERMINATOR = Buffer.from(".\r\n");

export class MessageEncoder {
  /** Octets emitted so far, not counting stuffed dots: RFC 1939 §11's message size. */
  size = 0;
  /** TOP has sent all the lines it was asked for; feed no more. */
  finished = false;
  private lineStart = true;
  private lineEmpty = false;
  private pendingCr = false;
  private inHeader = true;
  private bodyLinesLeft: number;

  /** `bodyLines`: TOP's n (RFC 1939 §7); omitted for RETR. */
  constructor(bodyLines = Number.POSITIVE_INFINITY) {
    this.bodyLinesLeft = bodyLines;
  }

  push(input: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    if (this.finished) return out;
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = chunk.length;
    let i = 0;
    if (this.pendingCr && n > 0) {
      // A CR ended the previous chunk: with this LF it is a CRLF, alone it is bare; both end the line.
      this.pendingCr = false;
      this.emit(out, CRLF);
      if (chunk[0] === LF) i = 1;
      this.endLine();
    }
    let runStart = i;
    let nextCr = chunk.indexOf(CR, i);
    let nextLf = chunk.indexOf(LF, i);
    while (i < n && !this.finished) {
      if (this.lineStart) {
        this.lineStart = false;
        this.lineEmpty = chunk[i] === CR || chunk[i] === LF;
        if (chunk[i] === DOT) {
          this.flush(out, chunk, runStart, i);
          out.push(STUFFED_DOT);
          runStart = i;
        }
      }
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
      if (end === -1) {
        i = n;
        break;
      }
      if (chunk[end] === CR && end + 1 === n) {
        // Undecided until the next chunk (or the end) shows what follows.
        this.flush(out, chunk, runStart, end);
        this.pendingCr = true;
        return out;
      }
      if (chunk[end] === CR && chunk[end + 1] === LF) {
        i = end + 2;
      } else {
        // Bare LF or bare CR: the line's bytes, then CRLF in its place.
        this.flush(out, chunk, runStart, end);
        this.emit(out, CRLF);
        i = end + 1;
        runStart = i;
      }
      this.endLine();
    }
    this.flush(out, chunk, runStart, i);
    return out;
  }

  /** The rest of the response: a CRLF for an unfinished last line, then the terminating ".". */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (!this.finished && (this.pendingCr || !this.lineStart)) {
      this.pendingCr = false;
      this.emit(out, CRLF);
      this.endLine();
    }
    out.push(TERMINATOR);
    return out;
  }

  private endLine(): void {
    this.lineStart = true;
    if (this.inHeader) {
      // RFC 1939 §7 TOP: the blank line that ends the headers is always sent.
      if (this.lineEmpty) this.inHeader = false;
    } else {
      this.bodyLinesLeft--;
    }
    if (!this.inHeader && this.bodyLinesLeft <= 0) this.finished = true;
  }

  private flush(out: Buffer[], chunk: Buffer, from: number, to: number): void {
    if (to > from) this.emit(out, chunk.subarray(from, to));
  }

  private emit(out: Buffer[], bytes: Buffer): void {
    out.push(bytes);
    this.size += bytes.length;
  }
}

/** RFC 1939 §11 size of a stored message: its CRLF form, dots not stuffed. */
export function encodedSize(raw: Uint8Array): number {
  const encoder = new MessageEncoder();
  encoder.push(raw);
  encoder.end();
  return encoder.size;
}
