// The POP3 protocol core's backend (backend.ts) over server/: logins through
// the protocols' shared credential check and the authority gate, one
// advisory lock per maildrop and login, the INBOX listed once at login, RETR
// streamed from the blob store, and QUIT's deletions committed through the
// mailbox's policy (server/pop3/commit-pop3-deletions.ts). RETR, TOP and
// QUIT's deletions ask the gate again first, so a user disabled or removed
// from the mailbox mid-session stops at their next command; the session's
// LoginAccess keeps the gate's answer until a yubin_access notice names the
// user, so that asking costs no database round trip per message. Nothing
// here touches the database directly (DESIGN.md "Layout").
import type { AuthorizedMailboxId } from "../../server/access/gate.ts";
import { LoginAccess, listenForAccessChanges } from "../../server/access/login-access.ts";
import { commitPop3Deletions } from "../../server/pop3/commit-pop3-deletions.ts";
import { listMaildrop, type MaildropListing } from "../../server/pop3/list-maildrop.ts";
import { type MaildropLease, type MaildropLocks, maildropLocks } from "../../server/pop3/maildrop-lock.ts";
import { pop3Login } from "../../server/pop3/pop3-login.ts";
import type {
  LoginVerdict,
  Maildrop,
  MaildropMessage,
  OpenVerdict,
  Pop3Backend,
  Pop3Principal,
  ServerPolicy,
} from "./backend.ts";
import { ReadAhead } from "./read-ahead.ts";

export interface StorePrincipal extends Pop3Principal {
  userId: number;
  mailboxId: AuthorizedMailboxId | null;
  remoteAddress: string;
}

export interface StorePop3Backend extends Pop3Backend<StorePrincipal> {
  /** Releases every maildrop lock of this process (its lock connection closes). */
  close(): Promise<void>;
}

// Yubin never expires mail by age (RFC 2449 §6.7) and enforces no login delay (§6.5).
const POLICY: ServerPolicy = { expire: "NEVER", loginDelaySeconds: null, variesPerUser: false };

/** `databaseUrl`: where the maildrop locks' own connection goes (the process's DATABASE_URL). */
export function storePop3Backend(databaseUrl: string): StorePop3Backend {
  const locks: MaildropLocks = maildropLocks(databaseUrl);
  const releaseWatch = listenForAccessChanges(databaseUrl);
  return {
    policy: POLICY,
    async login(input): Promise<LoginVerdict<StorePrincipal>> {
      const verdict = await pop3Login({
        login: input.username,
        password: input.password,
        remoteAddress: input.remoteAddress,
      });
      if (!verdict.ok) return verdict;
      return {
        ok: true,
        principal: {
          login: verdict.login,
          userId: verdict.userId,
          mailboxId: verdict.mailboxId,
          remoteAddress: input.remoteAddress,
        },
      };
    },
    async openMaildrop(principal): Promise<OpenVerdict> {
      // RFC 3206 §4 SYS/PERM: a login without a maildrop will not get one by trying again.
      if (principal.mailboxId === null) return { ok: false, reason: "permanent-failure" };
      const lease = await locks.tryLock(principal.mailboxId, principal.userId);
      if (!lease) return { ok: false, reason: "in-use" };
      let listing: MaildropListing | null;
      try {
        listing = await listMaildrop({ mailboxId: principal.mailboxId, userId: principal.userId });
      } catch (error) {
        await lease.release();
        throw error;
      }
      if (!listing) {
        await lease.release();
        return { ok: false, reason: "permanent-failure" };
      }
      return { ok: true, maildrop: storeMaildrop(principal, principal.mailboxId, listing, lease) };
    },
    close: async () => {
      await Promise.all([locks.close(), releaseWatch()]);
    },
  };
}

function storeMaildrop(
  principal: StorePrincipal,
  mailboxId: AuthorizedMailboxId,
  listing: MaildropListing,
  lease: MaildropLease,
): Maildrop {
  const messages: MaildropMessage[] = [];
  for (let i = 0; i < listing.uids.length; i++) {
    // RFC 1939 §7: UIDVALIDITY.UID is unique in the maildrop and never reused (UIDs are not).
    messages.push({ uidl: `${listing.uidValidity}.${listing.uids[i]}`, size: listing.sizes[i] as number });
  }
  const indexOf = (uidl: string): number => {
    const index = binarySearch(listing.uids, Number(uidl.slice(uidl.indexOf(".") + 1)));
    if (index < 0) throw new Error(`pop3: ${uidl} is not in this maildrop`);
    return index;
  };
  // By the blob, not the message: a message expunged meanwhile (IMAP, the web) can still be read to the end.
  const reader = new ReadAhead({
    count: messages.length,
    size: (index) => listing.sizes[index] as number,
    key: (index) => listing.blobKeys.toString("hex", index * 32, index * 32 + 32),
  });
  const access = new LoginAccess({ user: { id: principal.userId }, mailboxId });
  /** Throws when the login may no longer use this maildrop (disabled, removed, or the mailbox gone). */
  const stillAllowed = async () => {
    if (!(await access.mayUse(mailboxId))) throw new Error("pop3: access to the maildrop was withdrawn");
  };
  async function* guardedRetrieve(index: number): AsyncIterable<Uint8Array> {
    await stillAllowed();
    yield* reader.retrieve(index);
  }
  return {
    messages,
    policy: { expire: POLICY.expire, loginDelaySeconds: POLICY.loginDelaySeconds },
    retrieve: guardedRetrieve,
    async commitDeletions(uidls) {
      // The lock went with its connection: another session may be open now. Delete nothing.
      if (!lease.held) throw new Error("pop3: the maildrop lock was lost");
      await stillAllowed();
      const indexes = uidls.map(indexOf);
      await commitPop3Deletions({
        mailboxId,
        userId: principal.userId,
        folderId: listing.folderId,
        onDelete: listing.onDelete,
        uids: indexes.map((i) => listing.uids[i] as number),
        messageIds: indexes.map((i) => listing.messageIds[i] as number),
        ip: principal.remoteAddress,
      });
    },
    release: () => {
      reader.clear();
      return lease.release();
    },
  };
}

function binarySearch(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid] as number;
    if (at === value) return mid;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
