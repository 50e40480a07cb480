// LIST arguments (RFC 9051 §6.3.9 with LIST-EXTENDED, RFC 5258 §3):
// [SP "(" selection options ")"] SP reference SP (pattern / "(" patterns ")")
// [SP RETURN "(" return options ")"], return options including STATUS
// (RFC 5819) and SPECIAL-USE (RFC 6154 §5.2).
import type { Cursor } from "./cursor.ts";
import { decodeMailboxName, type NameOptions } from "./mailbox-name.ts";
import { ParseError } from "./parse-error.ts";
import { parseStatusItems, type StatusItem } from "./status-items.ts";

export interface ListArguments {
  selection: { subscribed: boolean; recursiveMatch: boolean; specialUse: boolean };
  reference: string;
  patterns: string[];
  returns: { subscribed: boolean; children: boolean; specialUse: boolean; status: StatusItem[] | null };
  /** LIST-EXTENDED syntax was used: the response may carry \NonExistent and CHILDINFO (RFC 5258 §3). */
  extended: boolean;
}

export function parseListArguments(cursor: Cursor, options: NameOptions): ListArguments {
  const args: ListArguments = {
    selection: { subscribed: false, recursiveMatch: false, specialUse: false },
    reference: "",
    patterns: [],
    returns: { subscribed: false, children: false, specialUse: false, status: null },
    extended: false,
  };
  cursor.sp();
  if (cursor.peek() === 0x28) {
    args.extended = true;
    cursor.list(() => {
      const option = cursor.atom().toUpperCase();
      if (option === "SUBSCRIBED") args.selection.subscribed = true;
      else if (option === "RECURSIVEMATCH") args.selection.recursiveMatch = true;
      else if (option === "SPECIAL-USE") args.selection.specialUse = true;
      else if (option !== "REMOTE") throw new ParseError(`Unknown LIST selection option ${option.slice(0, 30)}`);
    }, true);
    // RFC 5258 §3: RECURSIVEMATCH alone is an error.
    if (args.selection.recursiveMatch && !args.selection.subscribed && !args.selection.specialUse)
      throw new ParseError("RECURSIVEMATCH needs another selection option");
    cursor.sp();
  }
  args.reference = decodeMailboxName(cursor.astring(), options);
  cursor.sp();
  const pattern = () => decodeMailboxName(listMailbox(cursor), options);
  args.patterns = cursor.peek() === 0x28 ? cursor.list(pattern) : [pattern()];
  if (cursor.trySp()) {
    cursor.expectWord("RETURN");
    cursor.sp();
    args.extended = true;
    cursor.list(() => {
      const option = cursor.atom().toUpperCase();
      if (option === "SUBSCRIBED") args.returns.subscribed = true;
      else if (option === "CHILDREN") args.returns.children = true;
      else if (option === "SPECIAL-USE") args.returns.specialUse = true;
      else if (option === "STATUS") {
        cursor.sp();
        args.returns.status = parseStatusItems(cursor);
      } else throw new ParseError(`Unknown LIST return option ${option.slice(0, 30)}`);
    }, true);
  }
  return args;
}

/** list-mailbox = 1*list-char / string; list-char adds "%", "*" and "]" to ATOM-CHAR. */
export function listMailbox(cursor: Cursor): Buffer {
  if (cursor.peek() === 0x22 || cursor.atLiteral()) return cursor.string();
  return Buffer.from(cursor.atom("%*]"), "latin1");
}
