// The one login path behind USER/PASS (RFC 1939 §7) and AUTH PLAIN
// (RFC 5034): check the credentials, take the maildrop's lock, enter
// TRANSACTION. Every refusal carries its RFC 3206 / RFC 2449 §8 code, so a
// client can tell a wrong password ([AUTH]) from "try later" ([SYS/TEMP],
// [LOGIN-DELAY]) and from a maildrop another session holds ([IN-USE]).
import type { LoginVerdict, OpenVerdict, Pop3Principal } from "./backend.ts";
import { MAX_FAILED_LOGINS_PER_CONNECTION } from "./limits.ts";
import { err, ok } from "./responses.ts";
import type { Pop3Session } from "./session.ts";

const REFUSALS = {
  invalid: err("Authentication failed", "AUTH"),
  throttled: err("Too many failed logins, try again later", "SYS/TEMP"),
  "login-delay": err("Logged in too recently, try again later", "LOGIN-DELAY"),
  "temporary-failure": err("Temporary failure, try again later", "SYS/TEMP"),
  "in-use": err("Maildrop is in use by another session", "IN-USE"),
  "permanent-failure": err("Maildrop is not available", "SYS/PERM"),
} as const;

export async function logIn(session: Pop3Session, username: string, password: string): Promise<void> {
  const verdict: LoginVerdict<Pop3Principal> = await session.backend
    .login({ username, password, remoteAddress: session.remoteAddress })
    .catch((error: unknown) => {
      session.log(`pop3: login check failed: ${String(error)}`, "error");
      return { ok: false, reason: "temporary-failure" };
    });
  if (!verdict.ok) {
    await session.send(REFUSALS[verdict.reason]);
    if (verdict.reason === "invalid" && ++session.failedLogins >= MAX_FAILED_LOGINS_PER_CONNECTION) session.end();
    return;
  }
  const opened: OpenVerdict = await session.backend.openMaildrop(verdict.principal).catch((error: unknown) => {
    session.log(`pop3: opening the maildrop of ${verdict.principal.login} failed: ${String(error)}`, "error");
    return { ok: false, reason: "temporary-failure" };
  });
  if (!opened.ok) {
    await session.send(REFUSALS[opened.reason]);
    return;
  }
  if (session.closed) {
    // The client left while the lock was being taken: give it back at once.
    await opened.maildrop.release();
    return;
  }
  session.enterTransaction(verdict.principal, opened.maildrop);
  const { count, octets } = session.openMaildrop.totals();
  session.log(`pop3: ${verdict.principal.login} logged in from ${session.remoteAddress}, ${count} messages`);
  await session.send(ok(`Logged in, ${count} messages (${octets} octets)`));
}

/** Before TLS, from anywhere but loopback, credentials are refused before the client sends them (session.ts). */
export const PLAINTEXT_REFUSED = err("Plaintext authentication is not allowed without TLS: use STLS first", "AUTH");
