// SEARCH arguments: RFC 9051 §6.4.4 (every RFC 3501 key), RFC 4731 §3.1
// (RETURN options), RFC 5182 (SAVE and "$"), RFC 7162 §3.1.5 (MODSEQ).

import { IMAP_MAX_LIST_ITEMS } from "../../../server/limits.ts";
import { decodeText } from "../../../server/mime/charset.ts";
import type { Cursor } from "./cursor.ts";
import { type CalendarDate, parseSearchDate } from "./date-time.ts";
import { canonicalFlag } from "./flags.ts";
import { ParseError } from "./parse-error.ts";
import { parseSequenceSet, type SequenceSet } from "./sequence-set.ts";

export type SearchKey =
  | { type: "all" }
  | { type: "flag"; flag: string; present: boolean }
  | { type: "new" }
  | { type: "old" }
  | { type: "recent" }
  | { type: "date"; field: "internal" | "sent"; relation: "before" | "on" | "since"; date: CalendarDate }
  | { type: "text"; field: "body" | "text"; value: string }
  | { type: "header"; field: string; value: string }
  | { type: "size"; relation: "larger" | "smaller"; size: number }
  | { type: "uid"; set: SequenceSet }
  | { type: "sequence"; set: SequenceSet }
  | { type: "modseq"; modseq: number }
  | { type: "not"; key: SearchKey }
  | { type: "or"; left: SearchKey; right: SearchKey }
  | { type: "and"; keys: SearchKey[] };

export type SearchReturnOption = "MIN" | "MAX" | "ALL" | "COUNT" | "SAVE";

export interface SearchArguments {
  /** null: a plain SEARCH; a list (possibly empty) when RETURN was given (RFC 4731 §3.1). */
  returnOptions: SearchReturnOption[] | null;
  key: SearchKey;
}

/** The charsets SEARCH understands; anything else gets NO [BADCHARSET (...)] (RFC 9051 §6.4.4). */
export const SEARCH_CHARSETS = ["UTF-8", "US-ASCII", "ISO-2022-JP", "SHIFT_JIS", "EUC-JP"];

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ["\\Answered", true],
  DELETED: ["\\Deleted", true],
  DRAFT: ["\\Draft", true],
  FLAGGED: ["\\Flagged", true],
  SEEN: ["\\Seen", true],
  UNANSWERED: ["\\Answered", false],
  UNDELETED: ["\\Deleted", false],
  UNDRAFT: ["\\Draft", false],
  UNFLAGGED: ["\\Flagged", false],
  UNSEEN: ["\\Seen", false],
};

const ADDRESS_HEADERS: Record<string, string> = { BCC: "bcc", CC: "cc", FROM: "from", TO: "to", SUBJECT: "subject" };

const DATE_KEYS: Record<string, ["internal" | "sent", "before" | "on" | "since"]> = {
  BEFORE: ["internal", "before"],
  ON: ["internal", "on"],
  SINCE: ["internal", "since"],
  SENTBEFORE: ["sent", "before"],
  SENTON: ["sent", "on"],
  SENTSINCE: ["sent", "since"],
};

const RETURN_OPTIONS: readonly SearchReturnOption[] = ["MIN", "MAX", "ALL", "COUNT", "SAVE"];

export function parseSearchArguments(cursor: Cursor): SearchArguments {
  let returnOptions: SearchReturnOption[] | null = null;
  if (cursor.tryWord("RETURN")) {
    cursor.sp();
    returnOptions = cursor.list(() => {
      const option = cursor.atom().toUpperCase() as SearchReturnOption;
      if (!RETURN_OPTIONS.includes(option)) throw new ParseError(`Unknown search return option ${option}`);
      return option;
    }, true);
    cursor.sp();
  }
  let charset = "UTF-8";
  if (cursor.tryWord("CHARSET")) {
    cursor.sp();
    charset = cursor.astring().toString("latin1").toUpperCase();
    if (!SEARCH_CHARSETS.includes(charset))
      throw new ParseError(`Unsupported charset ${charset}`, "NO", `BADCHARSET (${SEARCH_CHARSETS.join(" ")})`);
    cursor.sp();
  }
  const keys = [parseSearchKey(cursor, charset)];
  while (cursor.trySp()) {
    if (keys.length >= IMAP_MAX_LIST_ITEMS) throw new ParseError("Too many search keys");
    keys.push(parseSearchKey(cursor, charset));
  }
  cursor.expectEnd();
  return { returnOptions, key: keys.length === 1 ? (keys[0] as SearchKey) : { type: "and", keys } };
}

export function parseSearchKey(cursor: Cursor, charset: string): SearchKey {
  const next = cursor.peek();
  if (next === 0x28) {
    const keys = cursor.list(() => parseSearchKey(cursor, charset));
    return keys.length === 1 ? (keys[0] as SearchKey) : { type: "and", keys };
  }
  if ((next >= 0x30 && next <= 0x39) || next === 0x2a || next === 0x24) {
    return { type: "sequence", set: parseSequenceSet(cursor) };
  }
  const word = cursor.atom().toUpperCase();
  const text = () => {
    cursor.sp();
    const bytes = cursor.astring();
    return charset === "UTF-8" || charset === "US-ASCII" ? bytes.toString("utf8") : decodeText(bytes, charset);
  };
  const flagKey = FLAG_KEYS[word];
  if (flagKey) return { type: "flag", flag: flagKey[0], present: flagKey[1] };
  const header = ADDRESS_HEADERS[word];
  if (header) return { type: "header", field: header, value: text() };
  const dateKey = DATE_KEYS[word];
  if (dateKey) {
    cursor.sp();
    return { type: "date", field: dateKey[0], relation: dateKey[1], date: parseSearchDate(cursor) };
  }
  switch (word) {
    case "ALL":
      return { type: "all" };
    case "NEW":
      return { type: "new" };
    case "OLD":
      return { type: "old" };
    case "RECENT":
      return { type: "recent" };
    case "KEYWORD":
    case "UNKEYWORD":
      cursor.sp();
      return { type: "flag", flag: canonicalFlag(cursor.atom()), present: word === "KEYWORD" };
    case "BODY":
    case "TEXT":
      return { type: "text", field: word === "BODY" ? "body" : "text", value: text() };
    case "HEADER": {
      cursor.sp();
      const field = cursor.astring().toString("latin1").toLowerCase();
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) throw new ParseError("Bad header field name");
      return { type: "header", field, value: text() };
    }
    case "LARGER":
    case "SMALLER":
      cursor.sp();
      return { type: "size", relation: word === "LARGER" ? "larger" : "smaller", size: cursor.number() };
    case "UID":
      cursor.sp();
      return { type: "uid", set: parseSequenceSet(cursor) };
    case "NOT": {
      cursor.sp();
      cursor.enter();
      const key = parseSearchKey(cursor, charset);
      cursor.leave();
      return { type: "not", key };
    }
    case "OR": {
      cursor.sp();
      cursor.enter();
      const left = parseSearchKey(cursor, charset);
      cursor.sp();
      const right = parseSearchKey(cursor, charset);
      cursor.leave();
      return { type: "or", left, right };
    }
    case "MODSEQ":
      return parseModseqKey(cursor);
    default:
      throw new ParseError(`Unknown search key ${word.slice(0, 30)}`);
  }
}

// RFC 7162 §3.1.5: MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
// The entry names a metadata item; we keep one modseq per message, so it only has to parse.
function parseModseqKey(cursor: Cursor): SearchKey {
  cursor.sp();
  if (cursor.peek() === 0x22) {
    cursor.string();
    cursor.sp();
    const kind = cursor.atom().toLowerCase();
    if (kind !== "priv" && kind !== "shared" && kind !== "all") throw new ParseError("Bad MODSEQ entry type");
    cursor.sp();
  }
  return { type: "modseq", modseq: cursor.modseq() };
}
