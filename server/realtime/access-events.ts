// Who may see what changed: a member was added to or removed from a mailbox,
// a user was disabled or removed, or their sessions were ended. PostgreSQL
// delivers the NOTIFY at COMMIT to every web process, whose live streams
// (live-stream.ts) re-read the user's memberships and session at once instead
// of at their next periodic refresh, so a removed member receives no further
// event of that mailbox. Not logged: a stream that missed one (its LISTEN
// connection was down) re-reads everything on resync anyway.
import type { RawSql } from "../db/raw-sql.ts";

export const ACCESS_CHANNEL = "yubin_access";

export interface AccessNotice {
  userIds: number[];
}

/** At most this many ids per NOTIFY (8000-byte payload limit); more are sent as several notices. */
const IDS_PER_NOTICE = 500;

/** Sends the notice inside the caller's transaction, so it is heard only if the change commits. */
export async function notifyAccessChanged(tx: RawSql, userIds: number[]): Promise<void> {
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += IDS_PER_NOTICE) {
    const payload = JSON.stringify({ userIds: unique.slice(i, i + IDS_PER_NOTICE) } satisfies AccessNotice);
    await tx.$queryRaw`select 1 as sent from pg_notify(${ACCESS_CHANNEL}, ${payload})`;
  }
}
