// FETCH arguments: RFC 9051 §6.4.5 data items and §9 "fetch-att", BINARY
// (RFC 3516 §4.2), MODSEQ and CHANGEDSINCE (RFC 7162 §3.1.4) and VANISHED
// (RFC 7162 §3.2.6).
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";
import { parseSequenceSet, type SequenceSet } from "./sequence-set.ts";

export type SectionText = "HEADER" | "HEADER.FIELDS" | "HEADER.FIELDS.NOT" | "TEXT" | "MIME";

export interface Section {
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  text: SectionText | null;
  /** Header field names for HEADER.FIELDS[.NOT], as the client wrote them. */
  fields: string[];
}

export interface Partial {
  offset: number;
  length: number;
}

export type SimpleItem =
  | "ENVELOPE"
  | "FLAGS"
  | "INTERNALDATE"
  | "UID"
  | "MODSEQ"
  | "RFC822"
  | "RFC822.HEADER"
  | "RFC822.TEXT"
  | "RFC822.SIZE"
  | "BODY"
  | "BODYSTRUCTURE";

export type FetchItem =
  | { kind: "simple"; name: SimpleItem }
  | { kind: "body"; peek: boolean; section: Section; partial: Partial | null }
  | { kind: "binary"; peek: boolean; part: number[]; partial: Partial | null }
  | { kind: "binary-size"; part: number[] };

export interface FetchArguments {
  set: SequenceSet;
  items: FetchItem[];
  changedSince: number | null;
  vanished: boolean;
}

const SIMPLE: readonly SimpleItem[] = [
  "ENVELOPE",
  "FLAGS",
  "INTERNALDATE",
  "UID",
  "MODSEQ",
  "RFC822",
  "RFC822.HEADER",
  "RFC822.TEXT",
  "RFC822.SIZE",
  "BODY",
  "BODYSTRUCTURE",
];

// RFC 9051 §6.4.5: the macros are "equivalent to" these lists.
const MACROS: Record<string, SimpleItem[]> = {
  ALL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
  FAST: ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
  FULL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
};

export function parseFetchArguments(cursor: Cursor): FetchArguments {
  const set = parseSequenceSet(cursor);
  cursor.sp();
  let items: FetchItem[];
  if (cursor.peek() === 0x28) {
    items = cursor.list(() => parseFetchItem(cursor));
  } else {
    const macro = Object.keys(MACROS).find((name) => cursor.tryWord(name));
    items = macro
      ? (MACROS[macro] as SimpleItem[]).map((name) => ({ kind: "simple", name }))
      : [parseFetchItem(cursor)];
  }
  let changedSince: number | null = null;
  let vanished = false;
  if (cursor.trySp()) {
    cursor.list(() => {
      if (cursor.tryWord("CHANGEDSINCE")) {
        cursor.sp();
        changedSince = cursor.modseq();
      } else if (cursor.tryWord("VANISHED")) {
        vanished = true;
      } else {
        throw new ParseError(`Unknown FETCH modifier ${cursor.preview()}`);
      }
    });
  }
  cursor.expectEnd();
  // RFC 7162 §3.2.6: VANISHED only together with CHANGEDSINCE.
  if (vanished && changedSince === null) throw new ParseError("VANISHED requires CHANGEDSINCE");
  return { set, items, changedSince, vanished };
}

function parseFetchItem(cursor: Cursor): FetchItem {
  const name = cursor.run((byte) => isNameChar(byte), "fetch attribute").toUpperCase();
  if (cursor.peek() !== 0x5b) {
    if ((SIMPLE as readonly string[]).includes(name)) return { kind: "simple", name: name as SimpleItem };
    throw new ParseError(`Unknown fetch attribute ${name.slice(0, 30)}`);
  }
  switch (name) {
    case "BODY":
    case "BODY.PEEK": {
      const section = parseSection(cursor);
      return { kind: "body", peek: name === "BODY.PEEK", section, partial: parsePartial(cursor) };
    }
    case "BINARY":
    case "BINARY.PEEK": {
      const part = parseBinarySection(cursor);
      return { kind: "binary", peek: name === "BINARY.PEEK", part, partial: parsePartial(cursor) };
    }
    case "BINARY.SIZE":
      return { kind: "binary-size", part: parseBinarySection(cursor) };
    default:
      throw new ParseError(`Unknown fetch attribute ${name.slice(0, 30)}`);
  }
}

function isNameChar(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2e
  );
}

/** section = "[" [section-spec] "]" (RFC 9051 §9). */
export function parseSection(cursor: Cursor): Section {
  cursor.expectChar("[");
  const section: Section = { part: [], text: null, fields: [] };
  if (cursor.tryChar("]")) return section;
  // section-part = nz-number *("." nz-number), then optionally "." section-text.
  let textFollows = true;
  if (isDigit(cursor.peek())) {
    section.part.push(cursor.nzNumber());
    textFollows = false;
    while (cursor.tryChar(".")) {
      if (!isDigit(cursor.peek())) {
        textFollows = true;
        break;
      }
      section.part.push(cursor.nzNumber());
    }
  }
  if (textFollows) {
    const word = cursor.run((byte) => isNameChar(byte), "section text").toUpperCase();
    if (word === "MIME" && section.part.length === 0) throw new ParseError("MIME needs a part number");
    if (!["HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"].includes(word))
      throw new ParseError(`Bad section ${word.slice(0, 30)}`);
    section.text = word as SectionText;
    if (word.startsWith("HEADER.FIELDS")) {
      cursor.sp();
      section.fields = cursor.list(() => {
        const field = cursor.astring().toString("latin1");
        // RFC 5322 §3.6.8: field names are printable US-ASCII except ":".
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) throw new ParseError("Bad header field name");
        return field;
      });
    }
  }
  cursor.expectChar("]");
  return section;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function parseBinarySection(cursor: Cursor): number[] {
  cursor.expectChar("[");
  if (cursor.tryChar("]")) return [];
  const part = [cursor.nzNumber()];
  while (cursor.tryChar(".")) part.push(cursor.nzNumber());
  cursor.expectChar("]");
  return part;
}

/** partial = "<" number "." nz-number ">" (RFC 9051 §9). */
function parsePartial(cursor: Cursor): Partial | null {
  if (!cursor.tryChar("<")) return null;
  const offset = cursor.number();
  cursor.expectChar(".");
  const length = cursor.nzNumber();
  cursor.expectChar(">");
  return { offset, length };
}
