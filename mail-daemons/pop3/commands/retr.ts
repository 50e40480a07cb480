// RFC 1939 §5 RETR msg: "+OK size octets", the message, ".". Retrieving does
// not mark a message: only DELE does.
import { sendMessage } from "../send-message.ts";
import { oneMessageNumber } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";
import { findMessage } from "./message-lookup.ts";

export const retr: Pop3Command<{ message: number }> = {
  name: "RETR",
  states: ["TRANSACTION"],
  parse: oneMessageNumber,
  async run(session, { message: number }) {
    const message = await findMessage(session, number);
    if (message) await sendMessage(session, { number, size: message.size });
  },
};
