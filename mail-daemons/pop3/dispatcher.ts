// Runs one input line against a session: an AUTH exchange waiting for its
// response gets the line; otherwise it is parsed, the command's states are
// checked (for every command, here, not in each module) and it runs.
// Unknown and misplaced commands get -ERR; a client that keeps sending them
// is disconnected.
import { COMMANDS } from "./command-table.ts";
import type { BoundCommand } from "./commands/command.ts";
import { MAX_BAD_COMMANDS } from "./limits.ts";
import type { InputLine } from "./line-reader.ts";
import { parseCommandLine } from "./parse-command.ts";
import { err } from "./responses.ts";
import type { Pop3Session } from "./session.ts";
import type { SessionState } from "./session-state.ts";

export async function dispatch(session: Pop3Session, input: InputLine): Promise<void> {
  const continuation = session.continuation;
  if (continuation) {
    session.continuation = null;
    await continuation(input);
    return;
  }
  const parsed = parseCommandLine(input, COMMANDS);
  switch (parsed.kind) {
    case "too-long":
      return refuse(session, "Command line too long");
    case "unknown":
      return refuse(session, "Unknown command");
    case "bad-arguments":
      if (!allowed(session, parsed.states)) return refuse(session, wrongState(session.state));
      return refuse(session, parsed.message);
    case "command":
      return runCommand(session, parsed.command);
  }
}

async function runCommand(session: Pop3Session, command: BoundCommand): Promise<void> {
  if (!allowed(session, command.states)) return refuse(session, wrongState(session.state));
  await command.run(session);
}

function allowed(session: Pop3Session, states: readonly SessionState[]): boolean {
  return states.includes(session.state);
}

function wrongState(state: SessionState): string {
  return state === "AUTHORIZATION" ? "Not logged in" : "Command not valid in this state";
}

async function refuse(session: Pop3Session, message: string): Promise<void> {
  if (++session.badCommands >= MAX_BAD_COMMANDS) {
    await session.send(err("Too many invalid commands, closing connection"));
    session.end();
    return;
  }
  await session.send(err(message));
}
