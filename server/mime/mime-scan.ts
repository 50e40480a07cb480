import { MAX_HEADER_BYTES, MAX_MIME_DEPTH, MAX_MIME_PARTS } from "../limits.ts";
import { isTraceField } from "./content-hash.ts";
import { type HeaderField, headerParam, headerValue, parseHeaderFields } from "./header-block.ts";

/** One MIME entity: byte offsets into the raw message and what its header says. */
export type MimePart = {
  headerStart: number;
  /** Where the header section ends: the start of its empty line, or of the first line that is no header field. */
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  depth: number;
  /** The header fields as read once here: bytes as latin1 text, unfolded, names lower-cased. */
  fields: HeaderField[];
  /** Whether the header section holds 8-bit or ESC bytes (raw text RFC 5322 §2.2 does not allow). */
  rawText: boolean;
  /** Lower-cased type/subtype, or null when there is no Content-Type. */
  contentType: string | null;
  charset: string | null;
  transferEncoding: string | null;
  boundary: string | null;
  /**
   * The header section ended at a line that is no header field, without the
   * empty line RFC 5322 §2.1 puts before a body. That line starts the body,
   * as careful readers (Python's email package, Thunderbird) take it.
   */
  missingSeparator: boolean;
};

export type MimeScan = { parts: MimePart[]; error: string | null };

type OpenMultipart = { boundary: string; depth: number };

/**
 * One pass over the raw message that finds every entity's header and body
 * and reads each header section once, without decoding anything, so the
 * limits on depth, part count and header size are enforced before mailparser
 * builds its tree. The boundary rules are RFC 2046 §5.1.1; a delimiter of an
 * outer multipart also ends every inner one, as RFC 2046 §5.1.2 asks of
 * broken nesting.
 */
export function scanMime(raw: Buffer): MimeScan {
  const parts: MimePart[] = [];
  const open: OpenMultipart[] = [];
  let inHeader = true;
  let headerStart = 0;
  let depth = 0;
  let lineStart = 0;
  // The message's own header so far holds only fields servers prepend (our Received, say).
  let traceOnly = true;

  const closeParts = (end: number, aboveDepth: number) => {
    for (const part of parts)
      if (part.bodyEnd < 0 && part.depth > aboveDepth) part.bodyEnd = Math.max(end, part.bodyStart);
  };

  // Ends the header section that started at headerStart; false when a limit is crossed.
  const endHeader = (headerEnd: number, bodyStart: number, missingSeparator: boolean): boolean => {
    const part = describe(raw, headerStart, headerEnd, bodyStart, depth, missingSeparator);
    parts.push(part);
    if (parts.length > MAX_MIME_PARTS || depth > MAX_MIME_DEPTH) return false;
    inHeader = false;
    if (part.boundary) {
      open.push({ boundary: part.boundary, depth });
    } else if (isEncapsulated(part)) {
      // RFC 2046 §5.2.1: a message/rfc822 body is itself a message.
      inHeader = true;
      headerStart = part.bodyStart;
      depth += 1;
    }
    return true;
  };
  const limitError = () =>
    parts.length > MAX_MIME_PARTS
      ? `more than ${MAX_MIME_PARTS} MIME parts`
      : `MIME nesting deeper than ${MAX_MIME_DEPTH}`;
  // A scan stopped at a limit still leaves every part it found inside the
  // message: those still open run to its end (tests/fuzz/mime-parser.test.ts).
  const stop = (error: string): MimeScan => {
    closeParts(raw.length, -1);
    return { parts, error };
  };

  while (lineStart < raw.length) {
    const newline = raw.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 ? raw.length : newline;
    const next = lineEnd + 1;
    const delimiter = open.length > 0 ? matchDelimiter(raw, lineStart, lineEnd, open) : null;

    if (delimiter) {
      const { index, close } = delimiter;
      const owner = open[index] as OpenMultipart;
      // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter.
      closeParts(precedingLineBreak(raw, lineStart), owner.depth);
      open.length = close ? index : index + 1;
      inHeader = !close;
      headerStart = next;
      depth = owner.depth + 1;
    } else if (inHeader) {
      const emptyLine = lineEnd === lineStart || (lineEnd === lineStart + 1 && raw[lineStart] === 0x0d);
      if (lineEnd - headerStart > MAX_HEADER_BYTES) {
        return stop(`header block larger than ${MAX_HEADER_BYTES} bytes`);
      }
      const mboxFrom = depth === 0 && (lineStart === headerStart || traceOnly);
      if (!emptyLine && !isHeaderLine(raw, lineStart, lineEnd, lineStart === headerStart, mboxFrom)) {
        // A line that is no header field ends the header section and starts the body.
        if (!endHeader(lineStart, lineStart, true)) return stop(limitError());
        // The line is body text: it may still be a delimiter of an enclosing multipart.
        continue;
      }
      if (depth === 0 && traceOnly && !emptyLine) traceOnly = continuesTrace(raw, lineStart, lineEnd);
      if (emptyLine || next >= raw.length) {
        const headerEnd = emptyLine ? lineStart : raw.length;
        if (!endHeader(headerEnd, Math.min(next, raw.length), false)) return stop(limitError());
      }
    }
    lineStart = next;
  }
  closeParts(raw.length, -1);
  return { parts, error: null };
}

/**
 * The message's own header section alone, read no further than `limit`
 * bytes: for messages the scan refused, and for callers that need only the
 * top-level fields. Where a long section is cut, the body is taken to start
 * at the cut.
 */
export function scanTopLevelHeader(raw: Buffer, limit = raw.length): MimePart {
  const to = Math.min(limit, raw.length);
  let lineStart = 0;
  let traceOnly = true;
  while (lineStart < to) {
    const newline = raw.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 || newline >= to ? to : newline;
    const emptyLine = lineEnd === lineStart || (lineEnd === lineStart + 1 && raw[lineStart] === 0x0d);
    if (emptyLine) return describe(raw, 0, lineStart, Math.min(lineEnd + 1, raw.length), 0, false);
    if (!isHeaderLine(raw, lineStart, lineEnd, lineStart === 0, lineStart === 0 || traceOnly))
      return describe(raw, 0, lineStart, lineStart, 0, true);
    if (traceOnly) traceOnly = continuesTrace(raw, lineStart, lineEnd);
    lineStart = lineEnd + 1;
  }
  return describe(raw, 0, to, to, 0, false);
}

/**
 * A header field line (RFC 5322 §2.2: printable ASCII but ":" for the name,
 * then ":"; RFC 5322 §4.5.4 lets obsolete syntax put spaces before the
 * colon) or the continuation of one (§2.2.3). A Unix "From " line may open
 * a message taken from an mbox (`mboxFrom`): first, or after the trace
 * fields a server prepended when a script sent an mbox entry over SMTP.
 */
function isHeaderLine(raw: Buffer, start: number, end: number, first: boolean, mboxFrom: boolean): boolean {
  const lead = raw[start];
  if (lead === 0x20 || lead === 0x09) return !first;
  let at = start;
  while (at < end && (raw[at] as number) > 0x20 && (raw[at] as number) < 0x7f && raw[at] !== 0x3a) at++;
  const nameEnd = at;
  while (at < end && (raw[at] === 0x20 || raw[at] === 0x09)) at++;
  if (nameEnd > start && raw[at] === 0x3a) return true;
  return mboxFrom && isMboxFrom(raw, start);
}

function isMboxFrom(raw: Buffer, start: number): boolean {
  return raw.toString("latin1", start, start + 5) === "From ";
}

/** Whether a header line keeps the section trace-only: a trace field, its continuation, or an mbox "From " line. */
function continuesTrace(raw: Buffer, start: number, end: number): boolean {
  if (raw[start] === 0x20 || raw[start] === 0x09 || isMboxFrom(raw, start)) return true;
  const colon = raw.indexOf(0x3a, start);
  if (colon < 0 || colon > end) return false;
  return isTraceField(
    raw
      .toString("latin1", start, colon)
      .replace(/[ \t]+$/, "")
      .toLowerCase(),
  );
}

function describe(
  raw: Buffer,
  headerStart: number,
  headerEnd: number,
  bodyStart: number,
  depth: number,
  missingSeparator: boolean,
): MimePart {
  const block = raw.toString("latin1", headerStart, headerEnd);
  const fields = parseHeaderFields(block);
  const contentType = headerValue(fields, "content-type");
  const multipart = contentType?.split(";")[0]?.trim().toLowerCase().startsWith("multipart/") ?? false;
  return {
    headerStart,
    headerEnd,
    bodyStart,
    bodyEnd: -1,
    depth,
    fields,
    rawText: hasRawText(raw, headerStart, headerEnd),
    contentType: contentType?.split(";")[0]?.trim().toLowerCase() || null,
    charset: contentType ? headerParam(contentType, "charset") : null,
    transferEncoding: headerValue(fields, "content-transfer-encoding")?.trim().toLowerCase() ?? null,
    boundary: multipart ? headerParam(contentType ?? "", "boundary") || null : null,
    missingSeparator,
  };
}

/** An 8-bit byte or an ESC (ISO-2022-JP) in a header section. */
function hasRawText(raw: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at++) if ((raw[at] as number) >= 0x80 || raw[at] === 0x1b) return true;
  return false;
}

function isEncapsulated(part: MimePart): boolean {
  const identity = [null, "7bit", "8bit", "binary"].includes(part.transferEncoding);
  return (part.contentType === "message/rfc822" || part.contentType === "message/global") && identity;
}

function matchDelimiter(raw: Buffer, start: number, end: number, open: OpenMultipart[]) {
  if (raw[start] !== 0x2d || raw[start + 1] !== 0x2d) return null;
  // RFC 2046 §5.1.1: trailing whitespace after a delimiter is allowed.
  const line = raw.toString("latin1", start + 2, Math.min(end, start + 2 + 200)).trimEnd();
  for (let index = open.length - 1; index >= 0; index--) {
    const { boundary } = open[index] as OpenMultipart;
    if (line === boundary) return { index, close: false };
    if (line === `${boundary}--`) return { index, close: true };
  }
  return null;
}

function precedingLineBreak(raw: Buffer, lineStart: number): number {
  if (raw[lineStart - 1] !== 0x0a) return lineStart;
  return raw[lineStart - 2] === 0x0d ? lineStart - 2 : lineStart - 1;
}
