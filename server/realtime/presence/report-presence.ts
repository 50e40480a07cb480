// A browser stream says "this user is viewing (or typing in) this
// conversation". The row is keyed by the live stream the browser holds, so a
// tab is one row, a user with two tabs is two, and the row goes when the
// stream ends (clear-presence.ts). Every change is NOTIFYed on
// PRESENCE_CHANNEL in the same transaction, so each web process hears it.
import type { AuthorizedConversation } from "../../access/gate.ts";
import { sqlTransaction } from "../../db/raw-sql.ts";
import { PRESENCE_CHANNEL, type PresenceState } from "../presence-events.ts";
import { PRESENCE_REPEAT_MS, PRESENCE_TTL_MS } from "./presence-timing.ts";

/**
 * Records or refreshes the presence of one stream in an authorized
 * conversation. Returns false when the stream id belongs to another user
 * (nothing is changed or revealed then).
 */
export async function reportPresence(input: {
  userId: number;
  streamId: string;
  conversation: AuthorizedConversation;
  state: PresenceState;
}): Promise<boolean> {
  const { userId, streamId, state } = input;
  const { conversationId, mailboxId } = input.conversation;
  return sqlTransaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ userId: number; conversationId: number; state: string; fresh: boolean }[]>`
      select "userId", "conversationId", state,
        "expiresAt" > now() + ${PRESENCE_TTL_MS - PRESENCE_REPEAT_MS}::int * interval '1 millisecond' as fresh
      from "Presence" where "streamId" = ${streamId}::uuid for update`;
    if (current && current.userId !== userId) return false;
    // The same report again, moments after the last: nothing to refresh or announce.
    if (current?.fresh && current.conversationId === conversationId && current.state === state) return true;
    // The same tab moved to another conversation: tell the old one's watchers it left,
    // who may not be members of the new one's mailbox and would otherwise never hear.
    if (current && current.conversationId !== conversationId) {
      await tx.$queryRaw`
        with gone as (delete from "Presence" where "streamId" = ${streamId}::uuid returning *)
        select pg_notify(${PRESENCE_CHANNEL}, json_build_object('streamId', g."streamId", 'userId', g."userId",
          'name', left(coalesce(nullif(u.name, ''), u.email), 200), 'mailboxId', g."mailboxId",
          'conversationId', g."conversationId", 'state', null, 'ttlMs', 0)::text)
        from gone g join "User" u on u.id = g."userId"`;
    }
    const rows = await tx.$queryRaw<unknown[]>`
      with up as (
        insert into "Presence" ("streamId", "userId", "mailboxId", "conversationId", state, "expiresAt")
        values (${streamId}::uuid, ${userId}::int, ${mailboxId}::int, ${conversationId}::int, ${state}::text,
          now() + ${PRESENCE_TTL_MS}::int * interval '1 millisecond')
        on conflict ("streamId") do update set "mailboxId" = excluded."mailboxId",
          "conversationId" = excluded."conversationId", state = excluded.state, "expiresAt" = excluded."expiresAt"
        where "Presence"."userId" = excluded."userId"
        returning *
      )
      select pg_notify(${PRESENCE_CHANNEL}, json_build_object('streamId', p."streamId", 'userId', p."userId",
        'name', left(coalesce(nullif(u.name, ''), u.email), 200), 'mailboxId', p."mailboxId",
        'conversationId', p."conversationId", 'state', p.state, 'ttlMs', ${PRESENCE_TTL_MS}::int)::text)
      from up p join "User" u on u.id = p."userId"`;
    // Lost a race with another user's insert of the same stream id: theirs stands.
    return rows.length > 0;
  });
}
