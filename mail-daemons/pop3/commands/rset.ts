// RFC 1939 §5 RSET: every deletion mark is removed.
import { ok } from "../responses.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const rset: Pop3Command<undefined> = {
  name: "RSET",
  states: ["TRANSACTION"],
  parse: noArguments,
  async run(session) {
    const drop = session.openMaildrop;
    drop.unmarkAll();
    const { count, octets } = drop.totals();
    await session.send(ok(`Maildrop has ${count} messages (${octets} octets)`));
  },
};
