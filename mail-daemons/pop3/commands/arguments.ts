// Argument grammars shared by several commands (RFC 1939 §3: arguments are
// separated by single spaces; a message number is a positive decimal).
import type { ArgumentsResult } from "./command.ts";

export function noArguments(text: string | null): ArgumentsResult<undefined> {
  // A trailing space ("STAT ") is tolerated: some clients send one.
  if (text === null || text.trim() === "") return { ok: true, args: undefined };
  return { ok: false, message: "This command takes no arguments" };
}

/** Space-separated words; a trailing space is tolerated. */
export function words(text: string | null): string[] {
  if (text === null) return [];
  const trimmed = text.replace(/ +$/, "");
  return trimmed === "" ? [] : trimmed.split(" ");
}

/** Ten digits is more messages than any maildrop holds; more would lose precision. */
export function parseNumber(word: string): number | null {
  return /^[0-9]{1,10}$/.test(word) ? Number(word) : null;
}

/** "msg" in RFC 1939 §5: 1 or more; whether it exists is checked against the maildrop. */
export function messageNumber(word: string | undefined): number | null {
  const number = word === undefined ? null : parseNumber(word);
  return number !== null && number >= 1 ? number : null;
}

export function oneMessageNumber(text: string | null): ArgumentsResult<{ message: number }> {
  const parts = words(text);
  const message = messageNumber(parts[0]);
  if (parts.length !== 1 || message === null) return { ok: false, message: "Expected one message number" };
  return { ok: true, args: { message } };
}

export function optionalMessageNumber(text: string | null): ArgumentsResult<{ message: number | null }> {
  const parts = words(text);
  if (parts.length === 0) return { ok: true, args: { message: null } };
  return oneMessageNumber(text);
}
