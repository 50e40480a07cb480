// A message read once: every MIME entity's place and header fields from one
// pass over the bytes (mime-scan.ts), the charset of each section's raw
// header text, and the message's own fields as text. Parsing for storage,
// charset repair before mailparser, threading, search tokens and attachment
// downloads all read this one structure instead of the bytes again.
import { MAX_HEADER_BYTES } from "../limits.ts";
import type { HeaderField } from "./header-block.ts";
import { type MimePart, scanMime, scanTopLevelHeader } from "./mime-scan.ts";
import { decodeRawText, rawHeaderCharset } from "./raw-header-text.ts";

export type MessageStructure = {
  raw: Buffer;
  /** Every entity in order; the first is the message itself. Empty when the scan refused its header. */
  parts: MimePart[];
  /** The limit (server/limits.ts) the message is over; mailparser is then never run on it. */
  limitError: string | null;
  /** For each part (same index), the charset of its raw 8-bit header text, or null for none or UTF-8. */
  headerCharsets: (string | null)[];
  /** The message's own header fields as text (raw header text decoded; encoded-words are not). */
  headers: HeaderField[];
  /** Where the message's body starts. */
  bodyStart: number;
};

export function readStructure(raw: Buffer): MessageStructure {
  const scan = scanMime(raw);
  const headerCharsets = scan.parts.map((part) =>
    part.rawText ? rawHeaderCharset(raw.toString("latin1", part.headerStart, part.headerEnd)) : null,
  );
  const top = scan.parts[0];
  return {
    raw,
    parts: scan.parts,
    limitError: scan.error,
    headerCharsets,
    // A message refused before its own header ended (one over MAX_HEADER_BYTES)
    // still tells its sender and subject in the first MAX_HEADER_BYTES.
    headers: top ? asText(top.fields, headerCharsets[0] ?? null) : readTopLevelHeaders(raw),
    bodyStart: top ? top.bodyStart : scanTopLevelHeader(raw).bodyStart,
  };
}

/** The message's own header fields as text, reading no more than its header section. */
export function readTopLevelHeaders(raw: Buffer): HeaderField[] {
  const top = scanTopLevelHeader(raw, MAX_HEADER_BYTES);
  return asText(top.fields, top.rawText ? rawHeaderCharset(raw.toString("latin1", 0, top.headerEnd)) : null);
}

function asText(fields: HeaderField[], charset: string | null): HeaderField[] {
  return fields.map(({ name, value }) => ({ name, value: decodeRawText(value, charset) }));
}
