// A POP3 login (RFC 1939 §7 USER/PASS, RFC 5034 AUTH PLAIN) and the maildrop
// it opens (DESIGN.md "Protocol logins"): the user's own mailbox, or the one
// shared mailbox a mailbox-scoped app password was made for. Credentials and
// throttling are the protocols' shared check (protocol-credentials.ts); the
// mailbox goes through the authority gate, so a member removed from a shared
// mailbox stops at once even if their app password still exists.
import { type AuthorizedMailboxId, authorizeMailbox } from "../access/gate.ts";
import { verifyProtocolCredentials } from "../auth/protocol-credentials.ts";
import { sql } from "../db/raw-sql.ts";

export type Pop3LoginResult =
  | {
      ok: true;
      userId: number;
      /** What the client logged in as: the user's email, or the shared mailbox's address. */
      login: string;
      /** The maildrop; null when the login has none (a user without a mailbox on a local domain). */
      mailboxId: AuthorizedMailboxId | null;
    }
  | { ok: false; reason: "invalid" | "throttled" };

export async function pop3Login(input: {
  login: string;
  password: string;
  remoteAddress: string;
}): Promise<Pop3LoginResult> {
  const verdict = await verifyProtocolCredentials({
    login: input.login,
    password: input.password,
    remoteAddress: input.remoteAddress,
    door: "pop3",
  });
  if (!verdict.ok) return verdict;
  let mailboxId = verdict.mailboxId;
  if (mailboxId === null) {
    const [own] = await sql.$queryRaw<
      { id: number }[]
    >`select id from "Mailbox" where "userId" = ${verdict.user.id}::int`;
    mailboxId = own?.id ?? null;
  }
  return {
    ok: true,
    userId: verdict.user.id,
    login: verdict.login,
    mailboxId: mailboxId === null ? null : await authorizeMailbox({ userId: verdict.user.id, mailboxId }),
  };
}
