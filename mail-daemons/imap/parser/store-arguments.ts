// STORE arguments (RFC 9051 §6.4.6 and §9 "store-att-flags", RFC 7162
// §3.1.3 UNCHANGEDSINCE): set [SP "(" UNCHANGEDSINCE n ")"] SP
// ["+"/"-"] FLAGS[.SILENT] SP flags.
import type { StoreMode } from "../backend.ts";
import type { Cursor } from "./cursor.ts";
import { parseStoreFlags } from "./flags.ts";
import { ParseError } from "./parse-error.ts";
import { parseSequenceSet, type SequenceSet } from "./sequence-set.ts";

export interface StoreArguments {
  set: SequenceSet;
  unchangedSince: number | null;
  mode: StoreMode;
  silent: boolean;
  flags: string[];
}

export function parseStoreArguments(cursor: Cursor): StoreArguments {
  cursor.sp();
  const set = parseSequenceSet(cursor);
  cursor.sp();
  let unchangedSince: number | null = null;
  if (cursor.peek() === 0x28) {
    cursor.list(() => {
      cursor.expectWord("UNCHANGEDSINCE");
      cursor.sp();
      unchangedSince = cursor.modseq();
    });
    cursor.sp();
  }
  const mode: StoreMode = cursor.tryChar("+") ? "add" : cursor.tryChar("-") ? "remove" : "replace";
  const word = cursor.atom().toUpperCase();
  if (word !== "FLAGS" && word !== "FLAGS.SILENT") throw new ParseError(`Unknown STORE item ${word.slice(0, 30)}`);
  cursor.sp();
  return { set, unchangedSince, mode, silent: word === "FLAGS.SILENT", flags: parseStoreFlags(cursor) };
}
