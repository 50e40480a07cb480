// RFC 1939 §7 TOP msg n: the header section, the blank line after it, and
// the first n lines of the body (all of it when it has fewer). n may be 0.

import { sendMessage } from "../send-message.ts";
import { messageNumber, parseNumber, words } from "./arguments.ts";
import type { ArgumentsResult, Pop3Command } from "./command.ts";
import { findMessage } from "./message-lookup.ts";

interface TopArguments {
  message: number;
  lines: number;
}

function parseTop(text: string | null): ArgumentsResult<TopArguments> {
  const parts = words(text);
  const message = messageNumber(parts[0]);
  const lines = parts[1] === undefined ? null : parseNumber(parts[1]);
  if (parts.length !== 2 || message === null || lines === null) {
    return { ok: false, message: "Expected a message number and a number of lines" };
  }
  return { ok: true, args: { message, lines } };
}

export const top: Pop3Command<TopArguments> = {
  name: "TOP",
  states: ["TRANSACTION"],
  parse: parseTop,
  async run(session, { message: number, lines }) {
    const message = await findMessage(session, number);
    if (message) await sendMessage(session, { number, size: message.size, bodyLines: lines });
  },
};
