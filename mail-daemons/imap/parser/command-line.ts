// The start of every command (RFC 9051 §9 "command"): tag SP command-name,
// with "UID" SP name for the UID forms (§6.4.9).
import { IMAP_MAX_TAG_BYTES } from "../../../server/limits.ts";
import { type Cursor, isAtomChar } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";

export function parseTag(cursor: Cursor): string {
  // tag = 1*<any ASTRING-CHAR except "+">
  const tag = cursor.run((byte) => isAtomChar(byte, "]") && byte !== 0x2b, "tag");
  if (tag.length > IMAP_MAX_TAG_BYTES) throw new ParseError("Tag too long");
  return tag;
}

export function parseCommandName(cursor: Cursor): string {
  cursor.sp();
  const name = cursor.atom().toUpperCase();
  if (name !== "UID") return name;
  cursor.sp();
  return `UID ${cursor.atom().toUpperCase()}`;
}
