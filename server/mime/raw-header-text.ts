// Raw 8-bit (or ISO-2022-JP) text in a header section, which RFC 5322 §2.2
// does not allow but old mailers write: RFC 6532 §3.2 makes it UTF-8, and
// Shift_JIS, EUC-JP and JIS from Japanese mailers, and Latin-1 or
// Windows-1252 from Western ones, are read for what they are.
import { decodeText, sniffCharset } from "./charset.ts";

/**
 * The charset of the raw text in a header section (bytes as latin1), guessed
 * from all of its raw lines together, first among the charsets the message
 * declares; null when there is none or it is UTF-8 (or plain ASCII) already.
 */
export function rawHeaderCharset(block: string, declared: readonly (string | null)[] = []): string | null {
  const raw = block.split("\n").filter(isRawText);
  if (raw.length === 0) return null;
  const charset = sniffCharset(Buffer.from(raw.join("\n"), "latin1"), declared);
  return charset === "utf-8" || charset === "us-ascii" ? null : charset;
}

/** The header section (bytes as latin1) with its raw text turned into UTF-8 bytes. */
export function transcodeRawHeaders(block: string, charset: string | null): string {
  if (charset === null) return block;
  return block
    .split("\n")
    .map((line) => (isRawText(line) ? Buffer.from(decodeRawText(line, charset), "utf8").toString("latin1") : line))
    .join("\n");
}

/** One header value (bytes as latin1) as text: raw text in the given charset, or UTF-8 when null. */
export function decodeRawText(value: string, charset: string | null): string {
  if (!isRawText(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  return charset === null ? bytes.toString("utf8") : decodeText(bytes, charset);
}

/** An 8-bit byte or an ESC (ISO-2022-JP) in a header line: RFC 5322 §2.2 allows neither. */
function isRawText(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code >= 0x80 || code === 0x1b) return true;
  }
  return false;
}
