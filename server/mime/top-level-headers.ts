import addressparser from "nodemailer/lib/addressparser/index.js";
import { decodeEncodedWords } from "./encoded-words.ts";
import { type HeaderField, headerValue } from "./header-block.ts";

export type Address = { address: string; name: string };

// Readers of the message's own fields as text (MessageStructure.headers):
// the subject and addresses when mailparser refused the message.

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
