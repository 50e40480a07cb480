// STATUS data items (RFC 9051 §6.3.11; DELETED and SIZE from RFC 9051 and
// RFC 8438; HIGHESTMODSEQ RFC 7162 §3.1.9; APPENDLIMIT RFC 7889 §3), shared
// by STATUS and LIST's RETURN (STATUS (...)) (RFC 5819).
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";

export const STATUS_ITEMS = [
  "MESSAGES",
  "UIDNEXT",
  "UIDVALIDITY",
  "UNSEEN",
  "DELETED",
  "SIZE",
  "RECENT",
  "HIGHESTMODSEQ",
  "APPENDLIMIT",
] as const;

export type StatusItem = (typeof STATUS_ITEMS)[number];

export function parseStatusItems(cursor: Cursor): StatusItem[] {
  return cursor.list(() => {
    const item = cursor.atom().toUpperCase();
    if (!(STATUS_ITEMS as readonly string[]).includes(item))
      throw new ParseError(`Unknown status item ${item.slice(0, 30)}`);
    return item as StatusItem;
  });
}
