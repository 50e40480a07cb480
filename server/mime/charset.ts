import iconv from "iconv-lite";
import { CHARSET_SNIFF_BYTES } from "../limits.ts";
import { decodeIso2022jp } from "./iso-2022-jp.ts";
import { implausibility } from "./text-plausibility.ts";

// Labels mapped to the superset real mailers write under them: Windows sends
// CP932 as "Shift_JIS" and GBK as "gb2312", and ISO-2022-JP mail carries
// CP50221's NEC and IBM rows (decoded by iso-2022-jp.ts).
const SUPERSETS: Record<string, string> = {
  shift_jis: "cp932",
  "shift-jis": "cp932",
  sjis: "cp932",
  "x-sjis": "cp932",
  ms_kanji: "cp932",
  csshiftjis: "cp932",
  "windows-31j": "cp932",
  cp932: "cp932",
  "euc-jp": "euc-jp",
  eucjp: "euc-jp",
  "x-euc-jp": "euc-jp",
  "iso-2022-jp": "iso-2022-jp",
  "iso-2022-jp-1": "iso-2022-jp",
  "iso-2022-jp-ms": "iso-2022-jp",
  csiso2022jp: "iso-2022-jp",
  cp50220: "iso-2022-jp",
  cp50221: "iso-2022-jp",
  cp50222: "iso-2022-jp",
  gb2312: "gb18030",
  gbk: "gb18030",
  cp936: "gb18030",
  "x-gbk": "gb18030",
  "euc-cn": "gb18030",
  csgb2312: "gb18030",
  utf8: "utf-8",
};

// Labels under which bytes with ISO-2022-JP escapes are still ISO-2022-JP:
// mailers that know no better label 7-bit JIS text as ASCII or Latin-1.
const ASCII_LABELS = new Set(["us-ascii", "ascii", "iso-8859-1", "latin1", "iso_8859-1"]);

/** The decoder name for a charset label, or null when there is no label. */
export function canonicalCharset(label: string | null | undefined): string | null {
  const name = label?.trim().toLowerCase().replace(/^"|"$/g, "");
  if (!name) return null;
  return SUPERSETS[name] ?? name;
}

export function hasIso2022jpEscapes(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x1b); i >= 0; i = bytes.indexOf(0x1b, i + 1)) {
    const [a, b] = [bytes[i + 1], bytes[i + 2]];
    // ESC $ B, ESC $ @, ESC ( J, ESC ( I (RFC 1468 and CP50221).
    if (a === 0x24 && (b === 0x42 || b === 0x40)) return true;
    if (a === 0x28 && (b === 0x4a || b === 0x49)) return true;
  }
  return false;
}

// Raw 8-bit text that is not UTF-8 is tried in the charsets the message
// itself declares, then in these: Japanese first, then Western European,
// whose Latin-1 superset decodes any byte, so no guess ever drops one.
const FALLBACK_GUESSES = ["cp932", "euc-jp", "windows-1252", "iso-8859-1"];

// Declared charsets that say nothing about 8-bit text (or would decode any
// bytes into something, as UTF-16 does): never a guess.
const NOT_GUESSES = /^(?:us-ascii|ascii|utf-8|iso-2022-.*|utf-7.*|utf-16.*|utf-32.*|ucs-2.*|ucs-4.*|unicode.*)$/;

/** Each U+FFFD of a UTF-8 reading costs this much (see text-plausibility.ts; a stray byte in UTF-8 text is common). */
const UTF8_ERROR_COST = 3;

/**
 * Guesses the charset of unlabelled bytes: ISO-2022-JP escapes first (JIS is
 * 7-bit, so it is also "valid UTF-8"), then valid UTF-8, then among the
 * charsets the message declares (`declared`, in order), CP932, EUC-JP,
 * Windows-1252 and Latin-1 the decoding that is valid and reads most like
 * text (text-plausibility.ts), UTF-8 with its errors replaced competing too.
 */
export function sniffCharset(bytes: Uint8Array, declared: readonly (string | null)[] = []): string {
  const sample = bytes.length > CHARSET_SNIFF_BYTES ? bytes.subarray(0, CHARSET_SNIFF_BYTES) : bytes;
  const truncated = sample !== bytes;
  if (hasIso2022jpEscapes(sample)) return "iso-2022-jp";
  if (!sample.some((byte) => byte >= 0x80)) return "us-ascii";
  if (isValidUtf8(sample, truncated)) return "utf-8";
  const guesses = new Set<string>();
  for (const label of declared) {
    const charset = canonicalCharset(label);
    if (charset && !NOT_GUESSES.test(charset) && iconv.encodingExists(charset)) guesses.add(charset);
  }
  for (const charset of FALLBACK_GUESSES) guesses.add(charset);
  let best = { charset: "utf-8", score: utf8Implausibility(sample, truncated) };
  for (const charset of guesses) {
    const decoded = iconv.decode(Buffer.from(sample), charset);
    // A multibyte character cut at the end of a truncated sample is no error.
    const text = truncated ? decoded.slice(0, -1) : decoded;
    if (text.includes("\ufffd")) continue;
    const score = implausibility(text);
    if (score < best.score || (score === best.score && best.charset === "utf-8")) best = { charset, score };
  }
  return best.charset;
}

function utf8Implausibility(sample: Uint8Array, truncated: boolean): number {
  const text = new TextDecoder("utf-8").decode(sample, { stream: truncated });
  const errors = text.match(/\ufffd/g)?.length ?? 0;
  return implausibility(text.replaceAll("\ufffd", "")) + errors * UTF8_ERROR_COST;
}

/**
 * The label a part should carry, or null when its declared label is right:
 * missing labels are sniffed (with `elsewhere`, the charsets the rest of the
 * message declares, as the first guesses), and so are labels no decoder knows;
 * ASCII/Latin-1 labels on bytes holding ISO-2022-JP escapes (or, for ASCII,
 * any 8-bit byte; for Latin-1, valid multibyte UTF-8) are corrected.
 */
export function correctedLabel(
  declared: string | null,
  bytes: Uint8Array,
  elsewhere: readonly (string | null)[] = [],
): string | null {
  if (!needsLabelCheck(declared)) return null;
  const label = canonicalCharset(declared);
  const sniffed = sniffCharset(bytes, elsewhere);
  if (sniffed === "us-ascii") return null;
  if (
    label === null ||
    !isKnownCharset(label) ||
    sniffed === "iso-2022-jp" ||
    label === "us-ascii" ||
    label === "ascii"
  )
    return sniffed;
  // UTF-8 under a Latin-1 label (a web form or script that labels whatever it
  // sends): Latin-1 text almost never forms valid multibyte UTF-8 ("é" read
  // as Latin-1 is "Ã©"), so bytes that do are UTF-8, and reading them by the
  // label would be mojibake.
  const sample = bytes.length > CHARSET_SNIFF_BYTES ? bytes.subarray(0, CHARSET_SNIFF_BYTES) : bytes;
  if (sniffed === "utf-8" && ASCII_LABELS.has(label) && isValidUtf8(sample, sample !== bytes)) return "utf-8";
  return null;
}

/**
 * Whether a declared label may be wrong about its bytes: none at all,
 * ASCII/Latin-1, or one no decoder knows — RFC 1428's "unknown-8bit" from
 * gateways, "x-unknown", typos — which says no more than no label (see correctedLabel).
 */
export function needsLabelCheck(declared: string | null): boolean {
  const label = canonicalCharset(declared);
  return label === null || ASCII_LABELS.has(label) || !isKnownCharset(label);
}

function isKnownCharset(label: string): boolean {
  return label === "iso-2022-jp" || iconv.encodingExists(label);
}

/** Decodes bytes by their (corrected) label; never throws. */
export function decodeText(bytes: Uint8Array, label: string | null): string {
  const charset = canonicalCharset(correctedLabel(label, bytes) ?? label) ?? "utf-8";
  if (charset === "iso-2022-jp") return decodeIso2022jp(bytes);
  // iconv-lite's UTF-7 would let "+ADw-script+AD4-" become markup; no real mail needs it.
  if (charset.startsWith("utf-7") || !iconv.encodingExists(charset)) return Buffer.from(bytes).toString("utf8");
  if (LATIN1_LABELS.has(charset)) return decodeWindows1252(bytes);
  return iconv.decode(Buffer.from(bytes), charset);
}

const LATIN1_LABELS = new Set(["iso-8859-1", "latin1", "iso_8859-1", "l1", "cp819", "ibm819", "iso-ir-100"]);

/**
 * Latin-1 as the WHATWG Encoding Standard reads it, as Windows-1252: mail
 * labelled ISO-8859-1 is written by Windows, and its 0x80-0x9F are “quotes”,
 * dashes and €, not invisible C1 controls (mailparser reads bodies so too).
 * The five bytes Windows-1252 leaves undefined stay the C1 control they are in Latin-1.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const text = iconv.decode(Buffer.from(bytes), "windows-1252");
  if (!text.includes("\ufffd")) return text;
  return Array.from(bytes, (byte) => {
    const char = iconv.decode(Buffer.from([byte]), "windows-1252");
    return char === "\ufffd" ? String.fromCharCode(byte) : char;
  }).join("");
}

function isValidUtf8(bytes: Uint8Array, truncated: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}
