// The shape of one POP3 command module (STYLE.md #6): its keyword, the states
// it is valid in, its argument grammar, and what it does. The dispatcher
// checks the state and the parser applies the grammar before `run` is called,
// so `run` only sees a valid command in a state where it is allowed.

import type { Pop3Session } from "../session.ts";
import type { SessionState } from "../session-state.ts";

export type ArgumentsResult<A> = { ok: true; args: A } | { ok: false; message: string };

export interface Pop3Command<A> {
  /** Upper case; RFC 1939 §3: keywords are case-insensitive. */
  readonly name: string;
  readonly states: readonly SessionState[];
  /** `text`: everything after the keyword and one space, or null when the line was the keyword alone. */
  parse(text: string | null): ArgumentsResult<A>;
  run(session: Pop3Session, args: A): Promise<void>;
}

/** A command with its parsed arguments, ready to run; the parser's output. */
export interface BoundCommand {
  readonly name: string;
  readonly states: readonly SessionState[];
  readonly args: unknown;
  run(session: Pop3Session): Promise<void>;
}

export function bind<A>(command: Pop3Command<A>, args: A): BoundCommand {
  return { name: command.name, states: command.states, args, run: (session) => command.run(session, args) };
}
