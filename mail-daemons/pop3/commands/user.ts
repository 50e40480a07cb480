// RFC 1939 §7 USER name: remembered for PASS. The answer is the same for
// every name, so USER cannot be used to find out which accounts exist.
import { PLAINTEXT_REFUSED } from "../log-in.ts";
import { ok } from "../responses.ts";
import type { ArgumentsResult, Pop3Command } from "./command.ts";

function parseUser(text: string | null): ArgumentsResult<{ name: string }> {
  const name = text?.trim() ?? "";
  return name === "" ? { ok: false, message: "Expected a user name" } : { ok: true, args: { name } };
}

export const user: Pop3Command<{ name: string }> = {
  name: "USER",
  states: ["AUTHORIZATION"],
  parse: parseUser,
  async run(session, { name }) {
    if (!session.mayLogIn) {
      await session.send(PLAINTEXT_REFUSED);
      return;
    }
    session.pendingUser = name;
    await session.send(ok("Send PASS"));
  },
};
