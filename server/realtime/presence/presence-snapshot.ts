// Everyone present in the given mailboxes now: what a (re)connecting stream
// sends first, so a browser that was away loses nothing.
import { sql } from "../../db/raw-sql.ts";
import type { PresenceNotice } from "../presence-events.ts";

/** A bound on one snapshot frame; far above any team's open tabs. */
const SNAPSHOT_LIMIT = 2000;

export async function presenceSnapshot(mailboxIds: number[]): Promise<PresenceNotice[]> {
  if (mailboxIds.length === 0) return [];
  return sql.$queryRaw<PresenceNotice[]>`
    select p."streamId", p."userId", left(coalesce(nullif(u.name, ''), u.email), 200) as name, p."mailboxId",
      p."conversationId", p.state,
      greatest(0, ceil(extract(epoch from p."expiresAt" - now()) * 1000))::int as "ttlMs"
    from "Presence" p join "User" u on u.id = p."userId"
    where p."mailboxId" = any(${mailboxIds}::int[]) and p."expiresAt" > now()
    order by p."conversationId", p."userId"
    limit ${SNAPSHOT_LIMIT}::int`;
}
