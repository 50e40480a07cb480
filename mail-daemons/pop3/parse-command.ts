// The pure half of command handling (STYLE.md #6): one input line in, a
// typed verdict out, with no session and no I/O. RFC 1939 §3: a keyword of
// three or four characters, case-insensitive, then arguments after single
// spaces; RFC 2449 §4: at most 255 octets including CRLF.
import type { CommandTable } from "./command-table.ts";
import { type BoundCommand, bind } from "./commands/command.ts";
import { MAX_COMMAND_LINE_OCTETS } from "./limits.ts";
import type { InputLine } from "./line-reader.ts";
import type { SessionState } from "./session-state.ts";

export type ParsedLine =
  | { kind: "command"; command: BoundCommand }
  | { kind: "too-long" }
  | { kind: "unknown"; keyword: string }
  | { kind: "bad-arguments"; name: string; states: readonly SessionState[]; message: string };

export function parseCommandLine(input: InputLine, table: CommandTable): ParsedLine {
  if (input.kind === "too-long" || input.octets > MAX_COMMAND_LINE_OCTETS) return { kind: "too-long" };
  // UTF-8: a password may hold any character; keywords and numbers are ASCII either way.
  const text = input.bytes.toString("utf8");
  const space = text.indexOf(" ");
  const keyword = (space === -1 ? text : text.slice(0, space)).toUpperCase();
  const command = table.get(keyword);
  if (!command) return { kind: "unknown", keyword: printable(keyword) };
  const parsed = command.parse(space === -1 ? null : text.slice(space + 1));
  if (!parsed.ok) return { kind: "bad-arguments", name: command.name, states: command.states, message: parsed.message };
  return { kind: "command", command: bind(command, parsed.args) };
}

/** For logs and replies: a hostile keyword must not put control characters into either. */
function printable(keyword: string): string {
  return keyword.replace(/[^\x21-\x7e]/g, "?").slice(0, 16);
}
