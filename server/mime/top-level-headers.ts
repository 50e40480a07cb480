import addressparser from "nodemailer/lib/addressparser/index.js";
import { MAX_HEADER_BYTES } from "../limits.ts";
import { decodeEncodedWords } from "./encoded-words.ts";
import { type HeaderField, headerValue, parseHeaderFields, splitHeaderBlock } from "./header-block.ts";
import { transcodeRawHeaders } from "./repair-charsets.ts";

export type Address = { address: string; name: string };

/**
 * The message's own header fields, read straight from the raw bytes (at most
 * MAX_HEADER_BYTES of them) with raw 8-bit text turned into UTF-8. Used for
 * the trace headers always, and for everything else when mailparser refused.
 */
export function readTopLevelHeaders(raw: Buffer): HeaderField[] {
  const { headerEnd } = splitHeaderBlock(raw, 0, Math.min(raw.length, MAX_HEADER_BYTES));
  const block = transcodeRawHeaders(raw.toString("latin1", 0, headerEnd));
  return parseHeaderFields(Buffer.from(block, "latin1").toString("utf8"));
}

export function decodedSubject(fields: HeaderField[]): string {
  return decodeEncodedWords(headerValue(fields, "subject") ?? "");
}

/** Addresses of a field, with RFC 2047 display names decoded (RFC 2047 §5(3)). */
export function decodedAddresses(fields: HeaderField[], name: string): Address[] {
  const value = headerValue(fields, name);
  if (!value) return [];
  return addressparser(value, { flatten: true }).map((entry) => ({
    address: entry.address.toLowerCase(),
    name: decodeEncodedWords(entry.name),
  }));
}
