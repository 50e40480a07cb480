// RFC 9051 §6.1.3 LOGOUT: "* BYE" before the tagged OK, then the connection closes.
import { ANY_STATE, defineCommand, noArguments, ok } from "./command.ts";

export const logoutCommand = defineCommand({
  name: "LOGOUT",
  states: ANY_STATE,
  parse: noArguments,
  async run({ session }) {
    await session.writer.untagged("BYE Logging out");
    session.logout();
    return ok("LOGOUT completed");
  },
});
