import { decodeText } from "./charset.ts";

// RFC 2047 §2: =?charset?encoding?encoded-text?=, with RFC 2231 §5's optional
// "*language" after the charset.
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bq])\?([^?\s]*)\?=/gi;

/**
 * Decodes the RFC 2047 encoded-words in a header value. Adjacent words in
 * the same charset are joined as bytes before decoding, because mailers split
 * words on a byte count and cut multibyte characters (and ISO-2022-JP escape
 * state) in two, although RFC 2047 §5 forbids it.
 */
export function decodeEncodedWords(value: string): string {
  const pieces: Array<string | { charset: string; bytes: Buffer[] }> = [];
  let last = 0;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [word, charset = "", encoding = "", text = ""] = match;
    const between = value.slice(last, match.index);
    last = match.index + word.length;
    const bytes = encoding.toLowerCase() === "b" ? Buffer.from(text, "base64") : decodeQ(text);
    const previous = pieces.at(-1);
    // RFC 2047 §6.2: whitespace between adjacent encoded-words is not displayed.
    const adjacent = typeof previous === "object" && /^[ \t\r\n]*$/.test(between);
    if (adjacent && previous.charset.toLowerCase() === charset.toLowerCase()) {
      previous.bytes.push(bytes);
      continue;
    }
    if (!adjacent && between) pieces.push(between);
    pieces.push({ charset, bytes: [bytes] });
  }
  pieces.push(value.slice(last));
  return pieces
    .map((piece) => (typeof piece === "string" ? piece : decodeText(Buffer.concat(piece.bytes), piece.charset)))
    .join("");
}

// RFC 2047 §4.2: "_" is a space and =XX a byte.
function decodeQ(text: string): Buffer {
  const bytes = text
    .replace(/_/g, " ")
    .replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1");
}
