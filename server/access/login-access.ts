// A protocol session's standing with the authority gate (gate.ts). IMAP and
// POP3 ask at every command which mailboxes their login may still use, so a
// user disabled or removed from a mailbox mid-session stops at their next
// command. Asking PostgreSQL each time put a round trip in front of every
// RETR and every FETCH batch (bench:pop3 halved); so the answer of
// mailboxesForLogin is kept per session and asked again only after a
// yubin_access notice named the user (access-events.ts, which every change of
// memberships or of a user's standing sends at COMMIT) or after the
// process's LISTEN connection was down (access-watch.ts). The gate stays the
// one authority: this only decides when its answer may be reused.
//
// How soon a change reaches a session: made in this process, at the next
// command, always (a notice in flight disables the reuse, access-events.ts);
// made in another process, at the first command after PostgreSQL delivered
// the notice, which it does right after the change commits. Notices that
// reached the socket before a command are handled before it (checkpoint()).
import { accessNoticeInFlight } from "../realtime/access-events.ts";
import { type AccessWatch, accessWatch } from "../realtime/access-watch.ts";
import { type LoginMailbox, mailboxesForLogin } from "./gate.ts";

export interface ProtocolLogin {
  user: { id: number };
  /** Set for a mailbox-scoped app password (ProtocolLogin.mailboxId). */
  mailboxId: number | null;
}

export class LoginAccess {
  private verdict: Promise<LoginMailbox[]> | null = null;
  private verdictStamp: string | null = null;

  constructor(
    private readonly login: ProtocolLogin,
    private readonly watch: AccessWatch = accessWatch(),
  ) {}

  /** What the login may use now (mailboxesForLogin): empty once the user is disabled. */
  async mailboxes(): Promise<LoginMailbox[]> {
    await checkpoint();
    const userId = this.login.user.id;
    const stamp = accessNoticeInFlight(userId) ? null : this.watch.stamp(userId);
    if (this.verdict && stamp !== null && stamp === this.verdictStamp) return this.verdict;
    const verdict = mailboxesForLogin(this.login);
    if (stamp === null) {
      this.verdict = null;
      return verdict;
    }
    this.verdict = verdict;
    this.verdictStamp = stamp;
    // A failed lookup is not kept.
    verdict.catch(() => {
      if (this.verdict === verdict) this.verdict = null;
    });
    return verdict;
  }

  /** Whether the login may still use this mailbox. */
  async mayUse(mailboxId: number): Promise<boolean> {
    return (await this.mailboxes()).some((m) => m.mailboxId === mailboxId);
  }
}

/**
 * Lets this turn of the event loop finish its I/O callbacks first: a notice
 * whose bytes came in with a command's is then counted before the command
 * is answered.
 */
function checkpoint(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A protocol backend calls this once it serves sessions (it opens the
 * process's LISTEN connection, shared by every backend) and the returned
 * function when it closes. Without it, every LoginAccess asks the gate at
 * every call, as nothing would tell it of a change.
 */
export function listenForAccessChanges(databaseUrl: string): () => Promise<void> {
  return accessWatch().acquire(databaseUrl);
}
