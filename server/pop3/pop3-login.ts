// A POP3 login (RFC 1939 §7 USER/PASS, RFC 5034 AUTH PLAIN) and the maildrop
// it opens (DESIGN.md "Protocol logins"): the user's own mailbox, or the one
// shared mailbox a mailbox-scoped app password was made for. Credentials and
// throttling are the protocols' shared check (protocol-credentials.ts); the
// mailbox comes from the authority gate's mailboxesForLogin, as for SMTP
// submission and IMAP, so a member removed from a shared mailbox, or a
// disabled user, gets no maildrop even with an app password still unrevoked.
import { type AuthorizedMailboxId, mailboxesForLogin } from "../access/gate.ts";
import { verifyProtocolCredentials } from "../auth/protocol-credentials.ts";

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
  const granted = await mailboxesForLogin({ user: { id: verdict.user.id }, mailboxId: verdict.mailboxId });
  // A scoped app password is granted exactly its mailbox; otherwise POP3 serves the user's own, never a shared one.
  const maildrop = verdict.mailboxId !== null ? granted[0] : granted.find((mailbox) => mailbox.own);
  return { ok: true, userId: verdict.user.id, login: verdict.login, mailboxId: maildrop?.mailboxId ?? null };
}
