// RFC 1939 §5 STAT: "+OK count octets" over the messages not marked deleted.
import { ok } from "../responses.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const stat: Pop3Command<undefined> = {
  name: "STAT",
  states: ["TRANSACTION"],
  parse: noArguments,
  async run(session) {
    const { count, octets } = session.openMaildrop.totals();
    await session.send(ok(`${count} ${octets}`));
  },
};
