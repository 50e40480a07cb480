// RFC 9051 §6.1.1 CAPABILITY: valid in every state.
import { capabilities } from "../capabilities.ts";
import { ANY_STATE, defineCommand, noArguments, ok } from "./command.ts";

export const capabilityCommand = defineCommand({
  name: "CAPABILITY",
  states: ANY_STATE,
  parse: noArguments,
  async run({ session, server }) {
    await session.writer.untagged(`CAPABILITY ${capabilities(session, server).join(" ")}`);
    return ok("CAPABILITY completed");
  },
});
