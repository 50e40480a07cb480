// What every command module declares (STYLE.md item 6): its name, the
// states it is valid in (RFC 9051 §3, §6), its argument grammar, and its
// handler. The dispatcher checks the state and parses the whole command
// before the handler runs, so no handler repeats either.
import type { Principal } from "../backend.ts";
import type { Cursor } from "../parser/cursor.ts";
import type { ServerContext } from "../server-context.ts";
import type { Session, SessionState } from "../session/session.ts";

export interface ParseOptions {
  /** Mailbox names are UTF-8 (UTF8=ACCEPT or IMAP4rev2 enabled). */
  utf8: boolean;
}

export interface CommandResult {
  status: "OK" | "NO" | "BAD";
  code?: string | null;
  text: string;
}

export interface CommandContext {
  tag: string;
  session: Session<Principal>;
  server: ServerContext;
  /** The connection's raw-line channel, for AUTHENTICATE's SASL exchange and IDLE's DONE. */
  connection: ConnectionControl;
}

export interface ConnectionControl {
  /** The next raw line from the client, or null when the connection ended. */
  readLine(maxBytes: number): Promise<Buffer | "too-long" | null>;
  /** Begins TLS on the socket after the tagged OK has been written (RFC 9051 §6.2.1). */
  startTls(): Promise<void>;
  /** RFC 9051 §5.4: the autologout timer, longer once authenticated. */
  authenticated(): void;
}

export interface Command {
  name: string;
  states: readonly SessionState[];
  /** RFC 9051 §7.5.1: EXPUNGE must not be sent during FETCH, STORE and SEARCH. */
  expungeAllowed: boolean;
  /**
   * Report other sessions' changes before running, so the command works on
   * the current mailbox. Only for commands that name no sequence numbers
   * (UID commands, NOOP, CHECK, EXPUNGE): an EXPUNGE sent first would
   * renumber the messages the client's arguments mean (RFC 9051 §5.5).
   */
  catchUpFirst: boolean;
  /** Parses the arguments; the returned function runs the command with them. */
  prepare(cursor: Cursor, options: ParseOptions): (context: CommandContext) => Promise<CommandResult>;
}

export interface CommandSpec<A> {
  name: string;
  states: readonly SessionState[];
  expungeAllowed?: boolean;
  catchUpFirst?: boolean;
  parse(cursor: Cursor, options: ParseOptions): A;
  run(context: CommandContext, args: A): Promise<CommandResult>;
}

export function defineCommand<A>(spec: CommandSpec<A>): Command {
  return {
    name: spec.name,
    states: spec.states,
    expungeAllowed: spec.expungeAllowed ?? true,
    catchUpFirst: spec.catchUpFirst ?? false,
    prepare(cursor, options) {
      const args = spec.parse(cursor, options);
      cursor.expectEnd();
      return (context) => spec.run(context, args);
    },
  };
}

export const ANY_STATE: readonly SessionState[] = ["not-authenticated", "authenticated", "selected"];
export const NOT_AUTHENTICATED: readonly SessionState[] = ["not-authenticated"];
export const AUTHENTICATED: readonly SessionState[] = ["authenticated", "selected"];
export const SELECTED: readonly SessionState[] = ["selected"];

export function ok(text: string, code: string | null = null): CommandResult {
  return { status: "OK", code, text };
}

export function no(text: string, code: string | null = null): CommandResult {
  return { status: "NO", code, text };
}

export function bad(text: string, code: string | null = null): CommandResult {
  return { status: "BAD", code, text };
}

/** Commands without arguments. */
export function noArguments(): null {
  return null;
}
