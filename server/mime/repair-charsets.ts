import { CHARSET_SNIFF_BYTES } from "../limits.ts";
import { correctedLabel, decodeText, sniffCharset } from "./charset.ts";
import type { MimePart } from "./mime-scan.ts";
import { decodeTransferEncoding } from "./transfer-decoding.ts";

/**
 * Rewrites the header blocks of a message so that mailparser decodes it
 * right, leaving bodies untouched:
 * - raw 8-bit or ISO-2022-JP header bytes that are not UTF-8 become UTF-8
 *   (mailparser reads raw header bytes as UTF-8, which RFC 6532 §3.2 allows
 *   but which turns raw Shift_JIS and JIS headers from old mailers to mojibake);
 * - a text part with no charset, or an ASCII/Latin-1 label on JIS or 8-bit
 *   bytes, gets the charset its body is sniffed to be (mailparser assumes
 *   UTF-8 and prints ISO-2022-JP escapes literally).
 */
export function repairCharsets(raw: Buffer, parts: MimePart[]): Buffer {
  const pieces: Buffer[] = [];
  let copied = 0;
  for (const part of parts) {
    const block = raw.toString("latin1", part.headerStart, part.headerEnd);
    let repaired = transcodeRawHeaders(block);
    const label = isTextLeaf(part) ? correctedLabel(part.charset, sniffSample(raw, part)) : null;
    if (label) repaired = relabel(repaired, label);
    if (repaired === block) continue;
    pieces.push(raw.subarray(copied, part.headerStart), Buffer.from(repaired, "latin1"));
    copied = part.headerEnd;
  }
  if (pieces.length === 0) return raw;
  pieces.push(raw.subarray(copied));
  return Buffer.concat(pieces);
}

function isTextLeaf(part: MimePart): boolean {
  // RFC 2045 §5.2: no Content-Type means text/plain; charset=us-ascii.
  return part.contentType === null || part.contentType.startsWith("text/");
}

function sniffSample(raw: Buffer, part: MimePart): Buffer {
  // Base64 is 4/3 the size of what it carries.
  const end = Math.min(part.bodyEnd, part.bodyStart + Math.ceil((CHARSET_SNIFF_BYTES * 4) / 3) + 4);
  return decodeTransferEncoding(raw.subarray(part.bodyStart, end), part.transferEncoding);
}

/** Header block (bytes as latin1) with non-UTF-8 raw text turned into UTF-8 bytes. */
export function transcodeRawHeaders(block: string): string {
  const lines = block.split("\n");
  const raw = lines.filter(isRawText);
  if (raw.length === 0) return block;
  const charset = sniffCharset(Buffer.from(raw.join("\n"), "latin1"));
  if (charset === null || charset === "utf-8" || charset === "us-ascii") return block;
  return lines
    .map((line) =>
      isRawText(line) ? Buffer.from(decodeText(Buffer.from(line, "latin1"), charset), "utf8").toString("latin1") : line,
    )
    .join("\n");
}

/** An 8-bit byte or an ESC (ISO-2022-JP) in a header line: RFC 5322 §2.2 allows neither. */
function isRawText(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code >= 0x80 || code === 0x1b) return true;
  }
  return false;
}

/** Sets the charset parameter of the Content-Type field, adding the field if needed. */
function relabel(block: string, charset: string): string {
  const field = /^content-type:[^\n]*(?:\n[ \t][^\n]*)*/im.exec(block);
  if (!field) {
    const eol = block.includes("\r\n") || block === "" ? "\r\n" : "\n";
    return `${block}Content-Type: text/plain; charset=${charset}${eol}`;
  }
  const value = field[0];
  const updated = /;\s*charset\s*=/i.test(value)
    ? value.replace(/(;\s*charset\s*=\s*)(?:"[^"]*"|[^;\s]*)/i, `$1${charset}`)
    : value.replace(/(\r?)$/, `; charset=${charset}$1`);
  return block.slice(0, field.index) + updated + block.slice(field.index + value.length);
}
