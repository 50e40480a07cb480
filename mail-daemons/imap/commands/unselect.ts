// RFC 3691 UNSELECT (RFC 9051 §6.4.2): leave the selected state without expunging.
import { defineCommand, noArguments, ok, SELECTED } from "./command.ts";

export const unselectCommand = defineCommand({
  name: "UNSELECT",
  states: SELECTED,
  parse: noArguments,
  async run({ session }) {
    session.close();
    return ok("UNSELECT completed");
  },
});
