// RFC 1939 §5 NOOP: valid only in TRANSACTION; keeps the session alive.
import { ok } from "../responses.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const noop: Pop3Command<undefined> = {
  name: "NOOP",
  states: ["TRANSACTION"],
  parse: noArguments,
  async run(session) {
    await session.send(ok(""));
  },
};
