// Serialising response values (RFC 9051 §4.3): a string is quoted when it
// can be, else a literal. 8-bit text may be quoted only after the client
// enabled UTF-8 (RFC 9051 §4.3 / RFC 6855 §3); NUL can never be sent in a
// string (§4.3), so stored mail carrying NUL has it replaced in BODY[]
// responses — BINARY[] sends literal8 instead (RFC 3516 §4.2).
import { Atom, type ImapValue } from "./imap-value.ts";

export interface EncodeOptions {
  /** UTF-8 may appear in quoted strings (ENABLE UTF8=ACCEPT or IMAP4rev2). */
  utf8: boolean;
}

/** Quoted strings longer than this become literals: clients cope better. */
const MAX_QUOTED_BYTES = 1024;

export function encodeValue(value: ImapValue, options: EncodeOptions): Buffer {
  const chunks: Buffer[] = [];
  write(value, options, chunks);
  return Buffer.concat(chunks);
}

function write(value: ImapValue, options: EncodeOptions, chunks: Buffer[]): void {
  if (value === null) chunks.push(NIL);
  else if (typeof value === "number") chunks.push(Buffer.from(String(value)));
  else if (value instanceof Atom) chunks.push(Buffer.from(value.text, "latin1"));
  else if (typeof value === "string") chunks.push(encodeString(Buffer.from(value, "utf8"), options));
  else if (Buffer.isBuffer(value)) chunks.push(encodeString(value, options));
  else {
    chunks.push(OPEN);
    value.forEach((item, index) => {
      if (index > 0) chunks.push(SPACE);
      write(item, options, chunks);
    });
    chunks.push(CLOSE);
  }
}

const NIL = Buffer.from("NIL");
const OPEN = Buffer.from("(");
const CLOSE = Buffer.from(")");
const SPACE = Buffer.from(" ");

export function encodeString(bytes: Buffer, options: EncodeOptions): Buffer {
  if (canQuote(bytes, options)) {
    let text = bytes.toString(options.utf8 ? "utf8" : "latin1");
    if (text.includes('"') || text.includes("\\")) text = text.replace(/(["\\])/g, "\\$1");
    return Buffer.concat([Buffer.from('"'), Buffer.from(text, options.utf8 ? "utf8" : "latin1"), Buffer.from('"')]);
  }
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), withoutNul(bytes)]);
}

function canQuote(bytes: Buffer, options: EncodeOptions): boolean {
  if (bytes.length > MAX_QUOTED_BYTES) return false;
  let eightBit = false;
  for (const byte of bytes) {
    if (byte < 0x20 || byte === 0x7f) return false;
    if (byte >= 0x80) eightBit = true;
  }
  return !eightBit || (options.utf8 && isUtf8(bytes));
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** NUL cannot appear in a literal (RFC 9051 §4.3); Dovecot sends 0x80 in its place, so do we. */
export function withoutNul(bytes: Buffer): Buffer {
  if (!bytes.includes(0)) return bytes;
  const copy = Buffer.from(bytes);
  for (let i = copy.indexOf(0); i >= 0; i = copy.indexOf(0, i + 1)) copy[i] = 0x80;
  return copy;
}

/** An astring for names we send (mailbox names in LIST, STATUS): atom when safe. */
export function encodeAstring(text: string, options: EncodeOptions): Buffer {
  if (/^[\x21-\x7e]+$/.test(text) && !/[(){%*"\\\]]/.test(text)) return Buffer.from(text);
  return encodeString(Buffer.from(text, "utf8"), options);
}
