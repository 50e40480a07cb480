// APPEND arguments (RFC 9051 §6.3.12): mailbox, then one or more messages
// (MULTIAPPEND, RFC 3502 §6), each [flag-list] [date-time] and a literal —
// literal8 under BINARY (RFC 3516 §4.4) or "UTF8 (literal8)" under
// UTF8=ACCEPT (RFC 6855 §4).

import { IMAP_MAX_APPEND_MESSAGES } from "../../../server/limits.ts";
import type { AppendMessage } from "../backend.ts";
import type { Cursor } from "./cursor.ts";
import { parseDateTime } from "./date-time.ts";
import { parseFlagList } from "./flags.ts";
import { type NameOptions, parseMailboxName } from "./mailbox-name.ts";
import { ParseError } from "./parse-error.ts";

export interface AppendArguments {
  mailbox: string;
  messages: AppendMessage[];
}

export function parseAppendArguments(cursor: Cursor, options: NameOptions): AppendArguments {
  cursor.sp();
  const mailbox = parseMailboxName(cursor, options);
  const messages: AppendMessage[] = [];
  while (cursor.trySp()) {
    if (messages.length >= IMAP_MAX_APPEND_MESSAGES) throw new ParseError("Too many messages in one APPEND");
    messages.push(parseMessage(cursor));
  }
  if (messages.length === 0) throw new ParseError("APPEND needs a message");
  return { mailbox, messages };
}

function parseMessage(cursor: Cursor): AppendMessage {
  let flags: string[] = [];
  let internalDate: Date | null = null;
  if (cursor.peek() === 0x28) {
    flags = parseFlagList(cursor);
    cursor.sp();
  }
  if (cursor.peek() === 0x22) {
    internalDate = parseDateTime(cursor);
    cursor.sp();
  }
  if (cursor.tryWord("UTF8")) {
    cursor.sp();
    cursor.expectChar("(");
    const literal = cursor.literal(true);
    cursor.expectChar(")");
    return { raw: literal.bytes, flags, internalDate };
  }
  return { raw: cursor.literal(true).bytes, flags, internalDate };
}
