// Feeds bytes through the framer and returns the events, for parser tests.
import {
  CommandFramer,
  type FramedCommand,
  type FramerEvent,
  type LiteralPolicy,
} from "../../../../mail-daemons/imap/parser/command-framer.ts";
import { Cursor } from "../../../../mail-daemons/imap/parser/cursor.ts";

export const ACCEPT_ALL: LiteralPolicy = () => ({ accept: true });

export function frameAll(input: string | Buffer, policy: LiteralPolicy = ACCEPT_ALL): FramerEvent[] {
  const framer = new CommandFramer(policy);
  framer.push(Buffer.isBuffer(input) ? input : Buffer.from(input, "utf8"));
  const events: FramerEvent[] = [];
  for (let event = framer.next(); event; event = framer.next()) events.push(event);
  return events;
}

/** A cursor positioned after "tag NAME" of a one-command input. */
export function argumentsOf(line: string): Cursor {
  const event = frameAll(`${line}\r\n`).find((e) => e.kind === "command");
  if (event?.kind !== "command") throw new Error(`not a command: ${line}`);
  return cursorAfterName(event.command);
}

function cursorAfterName(command: FramedCommand): Cursor {
  const cursor = new Cursor(command);
  cursor.atom("]");
  cursor.sp();
  const name = cursor.atom().toUpperCase();
  if (name === "UID") {
    cursor.sp();
    cursor.atom();
  }
  return cursor;
}
