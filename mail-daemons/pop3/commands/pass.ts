// RFC 1939 §7 PASS string, right after USER. "Since the PASS command has
// exactly one argument, a POP3 server may treat spaces in the argument as
// part of the password": everything after "PASS " is the password.
import { logIn, PLAINTEXT_REFUSED } from "../log-in.ts";
import { err } from "../responses.ts";
import type { ArgumentsResult, Pop3Command } from "./command.ts";

function parsePass(text: string | null): ArgumentsResult<{ password: string }> {
  return text === null || text === ""
    ? { ok: false, message: "Expected a password" }
    : { ok: true, args: { password: text } };
}

export const pass: Pop3Command<{ password: string }> = {
  name: "PASS",
  states: ["AUTHORIZATION"],
  parse: parsePass,
  async run(session, { password }) {
    if (!session.mayLogIn) {
      await session.send(PLAINTEXT_REFUSED);
      return;
    }
    const username = session.pendingUser;
    // RFC 1939 §7: PASS "may only be given ... immediately after a successful USER command".
    session.pendingUser = null;
    if (username === null) {
      await session.send(err("Send USER first"));
      return;
    }
    await logIn(session, username, password);
  },
};
