// Mailbox names as arguments (RFC 9051 §9 "mailbox"): an astring, with
// "INBOX" in any case meaning the inbox (§5.1), decoded from modified UTF-7
// unless UTF-8 was enabled (RFC 6855 §3, RFC 9051 §5.1).
import type { Cursor } from "./cursor.ts";
import { decodeModifiedUtf7 } from "./modified-utf7.ts";
import { ParseError } from "./parse-error.ts";

export interface NameOptions {
  utf8: boolean;
}

export function decodeMailboxName(bytes: Buffer, options: NameOptions): string {
  let name: string;
  if (options.utf8 || bytes.some((byte) => byte >= 0x80)) {
    // Raw 8-bit is UTF-8 whatever was enabled: clients that send it mean it.
    name = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (name.includes("\uFFFD")) throw new ParseError("Mailbox name is not valid UTF-8");
  } else {
    const decoded = decodeModifiedUtf7(bytes.toString("latin1"));
    if (decoded === null) throw new ParseError("Mailbox name is not valid modified UTF-7");
    name = decoded;
  }
  if (hasControlCharacter(name)) throw new ParseError("Control character in mailbox name");
  return name.toUpperCase() === "INBOX" ? "INBOX" : normalizeInboxPrefix(name);
}

export function parseMailboxName(cursor: Cursor, options: NameOptions): string {
  return decodeMailboxName(cursor.astring(), options);
}

/** "inbox/Sub" names INBOX's child (RFC 9051 §5.1: INBOX is case-insensitive, its children's prefix too). */
function normalizeInboxPrefix(name: string): string {
  return /^inbox\//i.test(name) ? `INBOX${name.slice(5)}` : name;
}

function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
