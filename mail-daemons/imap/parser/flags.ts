// RFC 9051 §9: flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" /
// "\Draft" / flag-keyword / flag-extension. System flags are matched
// case-insensitively and returned in their canonical spelling.
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";

export const SYSTEM_FLAGS = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"] as const;

const CANONICAL = new Map<string, string>([...SYSTEM_FLAGS, "\\Recent"].map((flag) => [flag.toLowerCase(), flag]));

export function canonicalFlag(flag: string): string {
  return CANONICAL.get(flag.toLowerCase()) ?? flag;
}

/**
 * One flag in STORE or APPEND. \Recent cannot be set by a client (RFC 3501
 * §2.3.2), nor can other backslash extensions we do not know (§6.4.6 BAD).
 */
export function parseStoreFlag(cursor: Cursor): string {
  if (cursor.tryChar("\\")) {
    const name = canonicalFlag(`\\${cursor.atom()}`);
    if (!(SYSTEM_FLAGS as readonly string[]).includes(name)) throw new ParseError(`Cannot set flag ${name}`);
    return name;
  }
  return cursor.atom();
}

export function parseFlagList(cursor: Cursor): string[] {
  return dedupe(cursor.list(() => parseStoreFlag(cursor), true));
}

/** Flags of STORE: a list, or bare flags separated by spaces (RFC 9051 §9 store-att-flags). */
export function parseStoreFlags(cursor: Cursor): string[] {
  if (cursor.peek() === 0x28) return parseFlagList(cursor);
  const flags = [parseStoreFlag(cursor)];
  while (cursor.trySp()) flags.push(parseStoreFlag(cursor));
  return dedupe(flags);
}

/** Keywords compare case-insensitively (RFC 9051 §2.3.2); the first spelling wins. */
function dedupe(flags: string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((flag) => {
    const key = flag.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
