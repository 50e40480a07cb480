// Runs one framed command (STYLE.md item 6): reads the tag and name, checks
// that the command exists and is valid in the session's state (RFC 9051 §3),
// parses all its arguments before anything is touched, runs it, lets the
// session's pending updates through where RFC 9051 §7.5.1 allows, and
// writes the tagged response. No handler repeats any of this.

import { IMAP_MAX_BAD_COMMANDS } from "../../server/limits.ts";
import type { CommandContext, CommandResult, ConnectionControl } from "./commands/command.ts";
import { COMMANDS } from "./commands/registry.ts";
import type { FramedCommand } from "./parser/command-framer.ts";
import { parseCommandName, parseTag } from "./parser/command-line.ts";
import { Cursor } from "./parser/cursor.ts";
import { ParseError } from "./parser/parse-error.ts";
import type { ServerContext } from "./server-context.ts";
import type { Session } from "./session/session.ts";

export type DispatchOutcome = "continue" | "close" | "starttls";

export async function dispatch(
  framed: FramedCommand,
  session: Session,
  server: ServerContext,
  connection: ConnectionControl,
): Promise<DispatchOutcome> {
  const writer = session.writer;
  const cursor = new Cursor(framed);
  let tag: string;
  try {
    tag = parseTag(cursor);
  } catch {
    await writer.untagged("BAD Invalid tag");
    return countBad(session);
  }
  let name: string;
  try {
    name = parseCommandName(cursor);
  } catch {
    await writer.tagged(tag, "BAD", null, "Missing command");
    return countBad(session);
  }
  const command = COMMANDS.get(name);
  if (!command) {
    await writer.tagged(tag, "BAD", null, "Unknown command");
    return countBad(session);
  }
  if (!command.states.includes(session.state)) {
    const why =
      session.state === "not-authenticated"
        ? "Log in first"
        : command.states.includes("not-authenticated")
          ? "Already logged in"
          : "No mailbox selected";
    await writer.tagged(tag, "BAD", null, `${name} not allowed now: ${why}`);
    return countBad(session);
  }

  let result: CommandResult;
  try {
    const execute = command.prepare(cursor, { utf8: session.utf8 });
    const context: CommandContext = { tag, session, server, connection };
    if (command.catchUpFirst && session.state === "selected" && !(await session.reportChanges(true)))
      return mailboxGone(session);
    result = await execute(context);
  } catch (error) {
    if (!(error instanceof ParseError)) {
      server.log(
        `imap: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        "error",
      );
      // RFC 5530 SERVERBUG: the server's fault, not the client's.
      result = { status: "NO", code: "SERVERBUG", text: "Internal error, try again" };
    } else {
      result = { status: error.status, code: error.code, text: error.message };
    }
  }

  if (session.state === "selected" && result.status !== "BAD") {
    if (!(await session.reportChanges(command.expungeAllowed))) return mailboxGone(session);
  }
  await writer.tagged(tag, result.status, result.code ?? null, result.text);
  if (result.status === "BAD" && (await countBad(session)) === "close") return "close";
  if (session.state === "logout") return "close";
  if (session.closeAfterReply) {
    await writer.untagged(`BYE ${session.closeAfterReply}`);
    return "close";
  }
  return name === "STARTTLS" && result.status === "OK" ? "starttls" : "continue";
}

async function countBad(session: Session): Promise<DispatchOutcome> {
  session.badCommands += 1;
  if (session.badCommands < IMAP_MAX_BAD_COMMANDS) return "continue";
  // RFC 9051 §7.1.5: say why the connection closes.
  await session.writer.untagged("BYE Too many bad commands");
  return "close";
}

// RFC 9051 §7.1.5: the selected mailbox is gone; nothing sensible remains for this session.
async function mailboxGone(session: Session): Promise<DispatchOutcome> {
  await session.writer.untagged("BYE The selected mailbox was deleted");
  return "close";
}
