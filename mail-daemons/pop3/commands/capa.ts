// RFC 2449 §5 CAPA: valid in AUTHORIZATION and TRANSACTION; the list depends on both.
import { capabilities } from "../capabilities.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const capa: Pop3Command<undefined> = {
  name: "CAPA",
  states: ["AUTHORIZATION", "TRANSACTION"],
  parse: noArguments,
  async run(session) {
    await session.sendListing("Capability list follows", capabilities(session));
  },
};
