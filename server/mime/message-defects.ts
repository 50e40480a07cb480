// Ways a message breaks the format that Yubin reads past as a careful mail
// client does, and names so the reader can be told (Message.malformed).
import { isTraceField } from "./content-hash.ts";
import { decodeEncodedWords } from "./encoded-words.ts";
import { headerValue } from "./header-block.ts";
import type { MimePart } from "./mime-scan.ts";

export type MessageDefect =
  /** The sender's first line is no header field: the whole message is body. */
  | "no-header"
  /** A header section ends at a line that is no header field, without the empty line (RFC 5322 §2.1). */
  | "missing-blank-line"
  /** The message is one text part whose Content-Disposition names no known type (RFC 2183 §2). */
  | "broken-disposition"
  /** A multipart whose boundary is missing or never opens a part (RFC 2046 §5.1.1): its body is shown as plain text. */
  | "missing-boundary";

export function messageDefects(parts: MimePart[], raw: Buffer): MessageDefect[] {
  const defects = new Set<MessageDefect>();
  const top = parts[0];
  // Fields servers added on the way (our own Received, say) are not the sender's header.
  const noHeader = top?.missingSeparator === true && top.fields.every((field) => isTraceField(field.name));
  if (noHeader) defects.add("no-header");
  if (parts.some((part) => part.missingSeparator && !(part === top && noHeader))) defects.add("missing-blank-line");
  if (top && hasBrokenDisposition(top)) defects.add("broken-disposition");
  if (parts.some((_, index) => isPartlessMultipart(parts, index, raw))) defects.add("missing-boundary");
  return [...defects];
}

/**
 * A multipart that holds no part although its body holds text: it names no
 * boundary, or one that never occurs (RFC 2046 §5.1.1 requires both).
 * mailparser shows nothing of it, so the text would be lost; Python's email
 * package and Thunderbird show the body as it is, and so does Yubin
 * (repair-headers.ts). One whose body is only its own delimiters is empty.
 */
export function isPartlessMultipart(parts: MimePart[], index: number, raw: Buffer): boolean {
  const part = parts[index] as MimePart;
  if (!part.contentType?.startsWith("multipart/")) return false;
  const next = parts[index + 1];
  if (next && next.depth > part.depth) return false;
  const end = part.bodyEnd < 0 ? raw.length : part.bodyEnd;
  const body = raw.toString("latin1", part.bodyStart, end);
  const delimiter = part.boundary === null ? null : `--${part.boundary}`;
  return body
    .split(/\r?\n/)
    .some((line) => line.trim() !== "" && (delimiter === null || !line.trimEnd().startsWith(delimiter)));
}

/**
 * RFC 2183 §2.8 reads an unknown disposition type as "attachment", which
 * mailparser does; for a message that is a single text part that hides the
 * whole message behind an unnamed download, so such a part is shown instead.
 */
export function hasBrokenDisposition(part: MimePart): boolean {
  if (part.contentType !== null && part.contentType !== "text/plain" && part.contentType !== "text/html") return false;
  const value = headerValue(part.fields, "content-disposition");
  if (value === null) return false;
  const type = decodeEncodedWords(value.split(";")[0] ?? "")
    .trim()
    .replace(/^"(.*)"$/, "$1")
    .toLowerCase();
  return type !== "" && type !== "inline" && type !== "attachment";
}
