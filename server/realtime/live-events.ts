// The live feed (DESIGN.md "Processes": cross-process events go through
// PostgreSQL). Every change a browser should see is a LiveEvent row, written
// in the same transaction as the change, and a NOTIFY on LIVE_CHANNEL that
// PostgreSQL delivers at COMMIT to every web process. A browser that
// reconnects asks for the events after the last id it saw, so none is lost.
import type { RawSql } from "../db/raw-sql.ts";

export const LIVE_CHANNEL = "yubin_live";

/** Kinds of LiveEvent; payloads stay small (NOTIFY carries only the id and routing fields). */
export type LiveEventKind =
  | "message.stored"
  | "message.flags"
  | "message.expunged"
  | "message.restored"
  | "conversation.status"
  | "conversation.assigned"
  | "conversation.snoozed"
  | "conversation.tagged"
  | "note.added"
  | "reply.sent"
  | "reply.held"
  | "reply.reviewed";

/** What LIVE_CHANNEL carries: enough to route the event; the row holds the rest. */
export interface LiveNotice {
  id: number;
  mailboxId: number;
  conversationId: number | null;
  kind: LiveEventKind;
}

export async function recordLiveEvent(
  tx: RawSql,
  event: {
    mailboxId: number;
    conversationId: number | null;
    kind: LiveEventKind;
    actorId: number | null;
    payload?: Record<string, unknown>;
  },
): Promise<number> {
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    with inserted as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, "actorId", payload)
      values (${event.mailboxId}, ${event.conversationId}, ${event.kind}, ${event.actorId},
        ${JSON.stringify(event.payload ?? {})}::jsonb)
      returning id, "mailboxId", "conversationId", kind
    )
    select id, pg_notify(${LIVE_CHANNEL}, json_build_object('id', id, 'mailboxId', "mailboxId",
      'conversationId', "conversationId", 'kind', kind)::text)
    from inserted`;
  return (row as { id: number }).id;
}

/** recordLiveEvent for many events in one statement: each a row and a NOTIFY, in order. */
export async function recordLiveEvents(
  tx: RawSql,
  actorId: number,
  events: readonly {
    mailboxId: number;
    conversationId: number;
    kind: LiveEventKind;
    payload: Record<string, unknown>;
  }[],
): Promise<void> {
  await tx.$queryRaw`
    with inserted as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, "actorId", payload)
      select (e.v->>'mailboxId')::int, (e.v->>'conversationId')::int, e.v->>'kind', ${actorId}::int, e.v->'payload'
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as e(v, n)
      order by e.n
      returning id, "mailboxId", "conversationId", kind
    )
    select pg_notify(${LIVE_CHANNEL}, json_build_object('id', id, 'mailboxId', "mailboxId",
      'conversationId', "conversationId", 'kind', kind)::text)::text
    from (select * from inserted order by id) ordered`;
}
