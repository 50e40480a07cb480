// The end of LOGIN and AUTHENTICATE alike: ask the backend, count failures,
// admit the user under the per-user connection cap, and answer with the
// post-login capabilities (RFC 9051 §6.2.2, §6.2.3). Wrong user and wrong
// password get one answer, so logins cannot probe which users exist.

import { IMAP_MAX_AUTH_FAILURES } from "../../../server/limits.ts";
import { capabilities } from "../capabilities.ts";
import type { CommandContext, CommandResult } from "../commands/command.ts";

export async function completeLogin(
  context: CommandContext,
  username: string,
  password: string,
): Promise<CommandResult> {
  const { session, server, connection } = context;
  const verdict = await session.backend.login({ username, password, remoteAddress: session.info.remoteAddress });
  if (!verdict.ok) {
    session.authFailures += 1;
    session.log(`imap: login failed for ${JSON.stringify(username.slice(0, 100))} from ${session.info.remoteAddress}`);
    if (session.authFailures >= IMAP_MAX_AUTH_FAILURES) session.closeAfterReply = "Too many failed logins";
    // RFC 5530: UNAVAILABLE for a temporary refusal, AUTHENTICATIONFAILED for bad credentials.
    if (verdict.reason === "throttled")
      return { status: "NO", code: "UNAVAILABLE", text: "Too many failed logins, try again later" };
    return { status: "NO", code: "AUTHENTICATIONFAILED", text: "Invalid credentials" };
  }
  const release = server.admitUser(verdict.principal.userKey);
  if (!release) return { status: "NO", code: "LIMIT", text: "Too many connections for this user" };
  session.releaseUser = release;
  session.authenticate(verdict.principal);
  connection.authenticated();
  session.log(`imap: ${verdict.principal.username} logged in from ${session.info.remoteAddress}`);
  return { status: "OK", code: `CAPABILITY ${capabilities(session, server).join(" ")}`, text: "Logged in" };
}
