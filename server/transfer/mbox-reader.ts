// Reads an mbox file message by message, from any byte offset, holding one
// message in memory at a time (a 50,000-message file streams through).
//
// The format (RFC 4155, and the variants tools write):
//   - A message starts with a "From " line (the From_ line: envelope sender
//     and date). Every writer puts a blank line before it; a line that starts
//     with "From " after a blank line and carries a time and a year, or one
//     that is a complete asctime From_ line anywhere, starts the next message.
//     A "From " line in a body that a writer did not quote (mboxo, mboxcl2)
//     rarely has both, so it stays in its message.
//   - mboxrd quotes any body line matching ^>*From  with one more '>'; mboxo
//     and mboxcl quote only "From ". Both are read as mboxrd: one '>' comes
//     off a line matching ^>+From , which makes an mboxrd export and import a
//     byte-exact round trip (the ambiguity of mboxo cannot be undone by anyone).
//   - Content-Length (mboxcl) is not needed: messages are split as above.
//   - The blank line a writer adds after each message is not part of it.
//   - Lines end in LF (Unix) or CRLF (Windows, and Yubin's own exports). A
//     bare LF is stored as CRLF, as SMTP delivery stores it (README).
// A message larger than the limit is reported without its bytes, and its
// lines are skipped without being held.
import { createReadStream } from "node:fs";

export interface MboxMessage {
  /** Byte offset of its From_ line. */
  start: number;
  /** Byte offset where the next message's From_ line starts, or the file's size: where to resume after it. */
  end: number;
  /** The message with CRLF line endings and mboxrd quoting undone; null when over the limit. */
  raw: Buffer | null;
  /** Its size as it would be stored. */
  size: number;
  /** The From_ line, without its line ending (at most 998 bytes of it). */
  fromLine: string;
}

/** The file does not start (or, resuming, go on) with a From_ line. */
export class NotMbox extends Error {}

const CRLF = Buffer.from("\r\n");
const FROM_ = Buffer.from("From ");
const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
/** Bytes of a line kept for telling a From_ line (the rest of a longer line only counts). */
const HEAD_BYTES = 998;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ASCTIME =
  /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-]\d{4}|[A-Z]{2,5})\s+)?(\d{4})\s*$/;

/** A From_ line anywhere: "From sender Www Mmm dd hh:mm:ss [zone] yyyy" and nothing after. */
function strictFromLine(text: string): boolean {
  return /^From \S+\s+/.test(text) && ASCTIME.test(text);
}

/** A From_ line after a blank line: a sender, then a time and a year somewhere. */
function looseFromLine(text: string): boolean {
  return /^From \S+\s+.*\b\d{1,2}:\d{2}\b.*\b\d{4}\b/.test(text);
}

/** The date on a From_ line (asctime, in UTC unless a numeric zone is given), or null. */
export function fromLineDate(fromLine: string): Date | null {
  const m = ASCTIME.exec(fromLine);
  if (!m) return null;
  const [, month, day, hour, minute, second, zone, year] = m;
  let time = Date.UTC(
    Number(year),
    MONTHS.indexOf(month as string),
    Number(day),
    Number(hour),
    Number(minute),
    Number(second ?? 0),
  );
  if (zone && /^[+-]\d{4}$/.test(zone)) {
    const sign = zone.startsWith("-") ? -1 : 1;
    time -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * 60_000;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date;
}

function startsWithFrom(line: Buffer): boolean {
  return line.length >= 5 && line.compare(FROM_, 0, 5, 0, 5) === 0;
}

function isBlank(line: Buffer, length: number): boolean {
  return (length === 1 && line[0] === LF) || (length === 2 && line[0] === CR && line[1] === LF);
}

/** ^>+From : a quoted From_ line (mboxrd), one '>' of which the writer added. */
function quotedFrom(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === GT) i++;
  return i > 0 && line.length - i >= 5 && line.compare(FROM_, 0, 5, i, i + 5) === 0;
}

class Message {
  parts: Buffer[] = [];
  size = 0;
  over = false;
  /** A blank line held back: it is the separator if a From_ line follows, else part of the message. */
  blank: Buffer | null = null;

  constructor(
    readonly start: number,
    readonly fromLine: string,
    private readonly maxBytes: number,
  ) {}

  push(bytes: Buffer) {
    this.size += bytes.length;
    if (this.over) return;
    if (this.size > this.maxBytes) {
      this.over = true;
      this.parts = [];
    } else this.parts.push(bytes);
  }

  /** One line of the message, as read (line ending included unless it is the file's last line). */
  line(line: Buffer, truncated: boolean) {
    if (this.blank) {
      this.push(this.blank);
      this.blank = null;
    }
    if (truncated) {
      // Longer than any message may be: only its length counts.
      this.size += this.maxBytes + 1;
      this.over = true;
      this.parts = [];
      return;
    }
    if (isBlank(line, line.length)) {
      this.blank = CRLF;
      return;
    }
    const body = line[0] === GT && quotedFrom(line) ? line.subarray(1) : line;
    const n = body.length;
    if (body[n - 1] === LF && body[n - 2] !== CR) {
      this.push(body.subarray(0, n - 1));
      this.push(CRLF);
    } else this.push(body);
  }

  finish(end: number): MboxMessage {
    return {
      start: this.start,
      end,
      raw: this.over ? null : Buffer.concat(this.parts, this.size),
      size: this.size,
      fromLine: this.fromLine,
    };
  }
}

/**
 * The messages of the mbox at `path`, starting at byte `start` (0, or where
 * an earlier read's message ended). Throws NotMbox when the text there is
 * not a From_ line (blank lines before the first one are skipped).
 */
export async function* readMbox(
  path: string,
  options: { start?: number; maxMessageBytes: number; chunkBytes?: number },
): AsyncGenerator<MboxMessage> {
  const start = options.start ?? 0;
  const { maxMessageBytes } = options;
  const stream = createReadStream(path, { start, highWaterMark: options.chunkBytes ?? 1024 * 1024 });
  let offset = start;
  let current: Message | null = null;
  let previousBlank = true;
  // A line that spans chunks: its pieces, up to what a message may hold.
  let pieces: Buffer[] = [];
  let piecesLength = 0;
  let lineLength = 0;
  const done: MboxMessage[] = [];

  const onLine = (line: Buffer, length: number) => {
    const lineStart = offset;
    offset += length;
    const blank = isBlank(line, length);
    if (!current) {
      if (blank) return;
      if (!startsWithFrom(line)) {
        throw new NotMbox(
          start === 0
            ? 'not an mbox file: it does not start with a "From " line'
            : `no message starts at byte ${start}: the file changed since the import began`,
        );
      }
      current = new Message(lineStart, headText(line), maxMessageBytes);
      previousBlank = false;
      return;
    }
    if (startsWithFrom(line)) {
      const text = headText(line);
      if ((previousBlank && looseFromLine(text)) || strictFromLine(text)) {
        done.push(current.finish(lineStart));
        current = new Message(lineStart, text, maxMessageBytes);
        previousBlank = false;
        return;
      }
    }
    current.line(line, length > line.length);
    previousBlank = blank;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(LF, position);
      const end = newline < 0 ? chunk.length : newline + 1;
      const piece = chunk.subarray(position, end);
      position = end;
      lineLength += piece.length;
      if (newline < 0 || pieces.length > 0) {
        // Part of a line that goes on in the next chunk (or the end of one that began in an
        // earlier one): kept only while the line could still belong to a message of allowed size.
        if (piecesLength <= maxMessageBytes + HEAD_BYTES) {
          pieces.push(piece);
          piecesLength += piece.length;
        }
        if (newline < 0) continue;
        const line = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, piecesLength);
        pieces = [];
        piecesLength = 0;
        onLine(line, lineLength);
      } else onLine(piece, lineLength);
      lineLength = 0;
    }
    if (done.length) {
      yield* done;
      done.length = 0;
    }
  }
  if (lineLength > 0) {
    // The file's last line, without a line ending.
    onLine(Buffer.concat(pieces, piecesLength), lineLength);
  }
  const last = current as Message | null;
  if (last) done.push(last.finish(offset));
  yield* done;
}

function headText(line: Buffer): string {
  return line
    .toString("latin1", 0, Math.min(line.length, HEAD_BYTES))
    .replace(/\r?\n$/, "")
    .trimEnd();
}
