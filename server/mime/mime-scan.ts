import { MAX_HEADER_BYTES, MAX_MIME_DEPTH, MAX_MIME_PARTS } from "../limits.ts";
import { headerParam, headerValue, parseHeaderFields } from "./header-block.ts";

/** One MIME entity: byte offsets into the raw message and what its header says. */
export type MimePart = {
  headerStart: number;
  /** Start of the empty line that ends the header block. */
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
  depth: number;
  /** Lower-cased type/subtype, or null when there is no Content-Type. */
  contentType: string | null;
  charset: string | null;
  transferEncoding: string | null;
};

export type MimeScan = { parts: MimePart[]; error: string | null };

type OpenMultipart = { boundary: string; depth: number };

/**
 * One pass over the raw message that finds every entity's header and body
 * without decoding anything, so the limits on depth, part count and header
 * size are enforced before mailparser builds its tree. The boundary rules
 * are RFC 2046 §5.1.1; a delimiter of an outer multipart also ends every
 * inner one, as RFC 2046 §5.1.2 asks of broken nesting.
 */
export function scanMime(raw: Buffer): MimeScan {
  const parts: MimePart[] = [];
  const open: OpenMultipart[] = [];
  let inHeader = true;
  let headerStart = 0;
  let depth = 0;
  let lineStart = 0;

  const closeParts = (end: number, aboveDepth: number) => {
    for (const part of parts)
      if (part.bodyEnd < 0 && part.depth > aboveDepth) part.bodyEnd = Math.max(end, part.bodyStart);
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
        return { parts, error: `header block larger than ${MAX_HEADER_BYTES} bytes` };
      }
      if (emptyLine || next >= raw.length) {
        const headerEnd = emptyLine ? lineStart : raw.length;
        const part = describe(raw, headerStart, headerEnd, Math.min(next, raw.length), depth);
        parts.push(part);
        if (parts.length > MAX_MIME_PARTS) return { parts, error: `more than ${MAX_MIME_PARTS} MIME parts` };
        if (depth > MAX_MIME_DEPTH) return { parts, error: `MIME nesting deeper than ${MAX_MIME_DEPTH}` };
        const boundary = part.contentType?.startsWith("multipart/") ? boundaryOf(raw, part) : null;
        inHeader = false;
        if (boundary) {
          open.push({ boundary, depth });
        } else if (isEncapsulated(part)) {
          // RFC 2046 §5.2.1: a message/rfc822 body is itself a message.
          inHeader = true;
          headerStart = part.bodyStart;
          depth += 1;
        }
      }
    }
    lineStart = next;
  }
  closeParts(raw.length, -1);
  return { parts, error: null };
}

function describe(raw: Buffer, headerStart: number, headerEnd: number, bodyStart: number, depth: number): MimePart {
  const fields = parseHeaderFields(raw.toString("latin1", headerStart, headerEnd));
  const contentType = headerValue(fields, "content-type");
  return {
    headerStart,
    headerEnd,
    bodyStart,
    bodyEnd: -1,
    depth,
    contentType: contentType?.split(";")[0]?.trim().toLowerCase() || null,
    charset: contentType ? headerParam(contentType, "charset") : null,
    transferEncoding: headerValue(fields, "content-transfer-encoding")?.trim().toLowerCase() ?? null,
  };
}

function boundaryOf(raw: Buffer, part: MimePart): string | null {
  const fields = parseHeaderFields(raw.toString("latin1", part.headerStart, part.headerEnd));
  return headerParam(headerValue(fields, "content-type") ?? "", "boundary") || null;
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
