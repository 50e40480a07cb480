// Presence ends three ways, each a DELETE that NOTIFYs a "gone" notice per
// row (state null) on PRESENCE_CHANNEL: the tab says it left a conversation,
// its live stream ends (tab closed, network lost), or it stopped heart-
// beating and the sweeper finds it expired.
import { sql } from "../../db/raw-sql.ts";
import { PRESENCE_CHANNEL } from "../presence-events.ts";

/** The caller's stream left a conversation (or any, when conversationId is null). Only the caller's own row. */
export async function leavePresence(input: {
  userId: number;
  streamId: string;
  conversationId: number | null;
}): Promise<number> {
  const rows = await sql.$queryRaw<unknown[]>`
    with gone as (
      delete from "Presence" where "streamId" = ${input.streamId}::uuid and "userId" = ${input.userId}::int
        and (${input.conversationId}::int is null or "conversationId" = ${input.conversationId}::int)
      returning *
    )
    select pg_notify(${PRESENCE_CHANNEL}, json_build_object('streamId', g."streamId", 'userId', g."userId",
      'name', left(coalesce(nullif(u.name, ''), u.email), 200), 'mailboxId', g."mailboxId",
      'conversationId', g."conversationId", 'state', null, 'ttlMs', 0)::text)
    from gone g join "User" u on u.id = g."userId"`;
  return rows.length;
}

/** A live stream ended: whatever its tab was doing is over. */
export async function endStreamPresence(streamId: string): Promise<number> {
  const rows = await sql.$queryRaw<unknown[]>`
    with gone as (delete from "Presence" where "streamId" = ${streamId}::uuid returning *)
    select pg_notify(${PRESENCE_CHANNEL}, json_build_object('streamId', g."streamId", 'userId', g."userId",
      'name', left(coalesce(nullif(u.name, ''), u.email), 200), 'mailboxId', g."mailboxId",
      'conversationId', g."conversationId", 'state', null, 'ttlMs', 0)::text)
    from gone g join "User" u on u.id = g."userId"`;
  return rows.length;
}

/** Deletes rows whose heartbeat stopped. Safe to run in every process at once: each row is deleted once. */
export async function sweepExpiredPresence(): Promise<number> {
  const rows = await sql.$queryRaw<unknown[]>`
    with gone as (delete from "Presence" where "expiresAt" <= now() returning *)
    select pg_notify(${PRESENCE_CHANNEL}, json_build_object('streamId', g."streamId", 'userId', g."userId",
      'name', left(coalesce(nullif(u.name, ''), u.email), 200), 'mailboxId', g."mailboxId",
      'conversationId', g."conversationId", 'state', null, 'ttlMs', 0)::text)
    from gone g join "User" u on u.id = g."userId"`;
  return rows.length;
}
