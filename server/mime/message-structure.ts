// A message read once: every MIME entity's place and header fields from one
// pass over the bytes (mime-scan.ts), the charset of each section's raw
// header text, and the message's own fields as text. Parsing for storage,
// charset repair before mailparser, threading, search tokens and attachment
// downloads all read this one structure instead of the bytes again.
import { MAX_HEADER_BYTES } from "../limits.ts";
import type { HeaderField } from "./header-block.ts";
import { type MessageDefect, messageDefects } from "./message-defects.ts";
import { type MimePart, scanMime, scanTopLevelHeader } from "./mime-scan.ts";
import { decodeRawText, rawHeaderCharset } from "./raw-header-text.ts";

export type MessageStructure = {
  raw: Buffer;
  /** Every entity in order; the first is the message itself. Empty when the scan refused its header. */
  parts: MimePart[];
  /** The limit (server/limits.ts) the message is over; mailparser is then never run on it. */
  limitError: string | null;
  /** The charsets the message names (Content-Type parameters, then encoded-words), in order, for guessing raw text. */
  declaredCharsets: string[];
  /** For each part (same index), the charset of its raw 8-bit header text, or null for none or UTF-8. */
  headerCharsets: (string | null)[];
  /** The message's own header fields as text (raw header text decoded; encoded-words are not). */
  headers: HeaderField[];
  /** Where the message's own header section ends, and its body starts. */
  headerEnd: number;
  bodyStart: number;
  /** How the message breaks the format, each read past as a careful client does (message-defects.ts). */
  defects: MessageDefect[];
};

export function readStructure(raw: Buffer): MessageStructure {
  const scan = scanMime(raw);
  const declaredCharsets = declared(scan.parts);
  const headerCharsets = scan.parts.map((part) =>
    part.rawText ? rawHeaderCharset(raw.toString("latin1", part.headerStart, part.headerEnd), declaredCharsets) : null,
  );
  const top = scan.parts[0];
  return {
    raw,
    parts: scan.parts,
    limitError: scan.error,
    headerCharsets,
    declaredCharsets,
    // A message refused before its own header ended (one over MAX_HEADER_BYTES)
    // still tells its sender and subject in the first MAX_HEADER_BYTES.
    headers: top ? asText(top.fields, headerCharsets[0] ?? null) : readTopLevelHeaders(raw),
    ...(top ? { headerEnd: top.headerEnd, bodyStart: top.bodyStart } : headerAndBody(scanTopLevelHeader(raw))),
    defects: messageDefects(scan.parts, raw),
  };
}

/** The message's own header fields as text, reading no more than its header section. */
export function readTopLevelHeaders(raw: Buffer): HeaderField[] {
  const top = scanTopLevelHeader(raw, MAX_HEADER_BYTES);
  const block = top.rawText ? raw.toString("latin1", 0, top.headerEnd) : null;
  return asText(top.fields, block === null ? null : rawHeaderCharset(block, declared([top])));
}

function headerAndBody(part: MimePart): { headerEnd: number; bodyStart: number } {
  return { headerEnd: part.headerEnd, bodyStart: part.bodyStart };
}

function declared(parts: MimePart[]): string[] {
  const charsets = new Set<string>();
  for (const part of parts) if (part.charset) charsets.add(part.charset.toLowerCase());
  for (const part of parts)
    for (const field of part.fields)
      for (const word of field.value.matchAll(/=\?([^?*\s]+)[^?\s]*\?[bq]\?/gi))
        charsets.add((word[1] as string).toLowerCase());
  return [...charsets];
}

function asText(fields: HeaderField[], charset: string | null): HeaderField[] {
  return fields.map(({ name, value }) => ({ name, value: decodeRawText(value, charset) }));
}
