import { CHARSET_SNIFF_BYTES } from "../limits.ts";
import { correctedLabel, needsLabelCheck } from "./charset.ts";
import { isPartlessMultipart } from "./message-defects.ts";
import type { MessageStructure } from "./message-structure.ts";
import type { MimePart } from "./mime-scan.ts";
import { transcodeRawHeaders } from "./raw-header-text.ts";
import { decodeTransferEncoding } from "./transfer-decoding.ts";

/**
 * The message as mailparser should read it: its header sections rewritten
 * where mailparser would misread them, bodies untouched (the stored raw
 * message is never changed):
 * - raw 8-bit or ISO-2022-JP header bytes that are not UTF-8 become UTF-8
 *   (mailparser reads raw header bytes as UTF-8, which RFC 6532 §3.2 allows
 *   but which turns raw Shift_JIS and JIS headers from old mailers to mojibake);
 * - a header section that ends without its empty line gets one;
 * - a message that is one text part with a broken Content-Disposition is
 *   shown, not offered as a download (message-defects.ts);
 * - a text part with no charset, or an ASCII/Latin-1 label on JIS or 8-bit
 *   bytes, gets the charset its body is sniffed to be (mailparser assumes
 *   UTF-8 and prints ISO-2022-JP escapes literally);
 * - a multipart without a boundary, or whose boundary opens no part, becomes
 *   text/plain, so its text is shown instead of lost (message-defects.ts).
 */
export function repairHeaders(structure: MessageStructure): Buffer {
  const { raw, parts, headerCharsets } = structure;
  const pieces: Buffer[] = [];
  let copied = 0;
  parts.forEach((part, index) => {
    const charset = headerCharsets[index] ?? null;
    const partless = structure.defects.includes("missing-boundary") && isPartlessMultipart(parts, index, raw);
    const label =
      (isTextLeaf(part) && needsLabelCheck(part.charset)) || partless
        ? correctedLabel(partless ? null : part.charset, sniffSample(raw, part), structure.declaredCharsets)
        : null;
    const showInline = index === 0 && structure.defects.includes("broken-disposition");
    if (charset === null && label === null && !part.missingSeparator && !showInline && !partless) return;
    const block = raw.toString("latin1", part.headerStart, part.headerEnd);
    let repaired = transcodeRawHeaders(block, charset);
    if (partless) repaired = replaceField(repaired, "Content-Type", "text/plain");
    if (label) repaired = relabel(repaired, label);
    if (showInline) repaired = replaceField(repaired, "Content-Disposition", "inline");
    // The empty line the sender left out, so that mailparser also takes the
    // line that is no header field as the first line of the body.
    if (part.missingSeparator) repaired += lineEnding(raw, part.headerEnd);
    if (repaired === block) return;
    pieces.push(raw.subarray(copied, part.headerStart), Buffer.from(repaired, "latin1"));
    copied = part.headerEnd;
  });
  if (pieces.length === 0) return raw;
  pieces.push(raw.subarray(copied));
  return Buffer.concat(pieces);
}

/** The line ending of the line at `at`: CRLF, or a bare LF as some senders write. */
function lineEnding(raw: Buffer, at: number): string {
  const newline = raw.indexOf(0x0a, at);
  return newline > 0 && raw[newline - 1] !== 0x0d ? "\n" : "\r\n";
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

/** Replaces a field (all of its lines) by `Name: value`; the block must hold it. */
function replaceField(block: string, name: string, value: string): string {
  const field = new RegExp(`^${name}[ \\t]*:[^\\n]*(?:\\n[ \\t][^\\n]*)*`, "im").exec(block);
  if (!field) return block;
  const cr = field[0].endsWith("\r") ? "\r" : "";
  return `${block.slice(0, field.index)}${name}: ${value}${cr}${block.slice(field.index + field[0].length)}`;
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
