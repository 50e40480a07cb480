// Who may see what changed: a member was added to or removed from a mailbox,
// a user was disabled or removed, or their sessions were ended. PostgreSQL
// delivers the NOTIFY at COMMIT to every process that listens: web processes,
// whose live streams (live-stream.ts) re-read the user's memberships and
// session at once instead of at their next periodic refresh, so a removed
// member receives no further event of that mailbox; and mail processes, whose
// IMAP and POP3 sessions drop the gate's cached verdict for the user
// (server/access/login-access.ts, access-watch.ts). Every change that can
// narrow a user's access must send this notice, or open protocol sessions
// keep their verdict. Not logged: a listener that missed one (its LISTEN
// connection was down) re-reads everything on resync anyway.
import { randomBytes } from "node:crypto";
import type { RawSql } from "../db/raw-sql.ts";

export const ACCESS_CHANNEL = "yubin_access";

export interface AccessNotice {
  userIds: number[];
  /**
   * Names this notice among the ones this process sent (see inFlight below);
   * other processes ignore it.
   */
  token?: string;
}

/** At most this many ids per NOTIFY (8000-byte payload limit); more are sent as several notices. */
const IDS_PER_NOTICE = 500;

/**
 * Notices this process sent that its own access listener has not heard back
 * yet, by token. A notice is sent inside the changing transaction and
 * delivered at its COMMIT, and PostgreSQL delivers it to listeners a moment
 * after COMMIT returns; a session of this process that asked the gate in
 * that moment would keep the old verdict until the notice arrives. While a
 * notice naming a user is in flight, the gate caches nothing for that user
 * (login-access.ts), so a change made in this process (the web app or a CLI
 * command in the same process as the mail role, and the tests) reaches the
 * user's next command whatever the scheduling. A notice whose transaction
 * rolled back is never heard: it is forgotten after IN_FLIGHT_MS.
 */
const inFlight = new Map<string, { userIds: number[]; expires: number }>();
const IN_FLIGHT_MS = 30_000;
const processTag = randomBytes(6).toString("hex");
let tokens = 0;

/** Sends the notice inside the caller's transaction, so it is heard only if the change commits. */
export async function notifyAccessChanged(tx: RawSql, userIds: number[]): Promise<void> {
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += IDS_PER_NOTICE) {
    const slice = unique.slice(i, i + IDS_PER_NOTICE);
    const token = `${processTag}.${++tokens}`;
    forgetExpired();
    inFlight.set(token, { userIds: slice, expires: Date.now() + IN_FLIGHT_MS });
    const payload = JSON.stringify({ userIds: slice, token } satisfies AccessNotice);
    await tx.$queryRaw`select 1 as sent from pg_notify(${ACCESS_CHANNEL}, ${payload})`;
  }
}

/** The listener heard a notice: if this process sent it, it is no longer in flight. */
export function accessNoticeHeard(notice: AccessNotice): void {
  if (notice.token !== undefined) inFlight.delete(notice.token);
}

/** Whether a notice this process sent about the user may still be on its way (not heard, not expired). */
export function accessNoticeInFlight(userId: number): boolean {
  if (inFlight.size === 0) return false;
  forgetExpired();
  for (const notice of inFlight.values()) if (notice.userIds.includes(userId)) return true;
  return false;
}

function forgetExpired(): void {
  const now = Date.now();
  for (const [token, notice] of inFlight) if (notice.expires <= now) inFlight.delete(token);
}
