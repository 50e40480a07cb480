// Messages become deleted mail: the step every deletion shares (an IMAP
// EXPUNGE, a POP3 DELE under the `delete` policy, a deletion in the browser),
// after their folder entries were removed (expunge-messages.ts). A message
// with no folder entry left is kept, not removed, for the mailbox's retention
// window (server/recovery/purge-deleted-mail.ts removes it for good):
//
// - Message.deletedAt and who, through which door; where it was filed (each
//   folder and its flags) and its conversation go into the deleted* columns,
//   so restore-mail.ts can put it back; its conversationId is cleared, so no
//   conversation view, inbox row, search or thread finds it; its contentHash
//   is cleared (kept in deletedFrom), so a redelivery of the same message is
//   stored again instead of taken for a duplicate of deleted mail;
// - it leaves the quota: the mailbox's usage counters count live mail only;
// - a conversation left with no live message is hidden (deletedAt), keeping
//   its status, assignee, tags and notes for a restore;
// - audited (message.delete, conversation.delete) and announced to browsers.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import type { RawSql } from "../db/raw-sql.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";

/** Which door asked; recorded in the audit log and the events. */
export type ExpungeDoor = "pop3" | "imap" | "web" | "cli" | "retention" | "connector";

/** A folder entry as it was when it was removed: what a restore files again. */
export interface RemovedEntry {
  folderId: number;
  uid: number;
  messageId: number;
  conversationId: number | null;
  size: number;
  subject: string;
  flags: string[];
}

export interface RetireInput {
  mailboxId: AuthorizedMailboxId;
  /** Folder entries just removed in this transaction: where their messages were filed. */
  entries: readonly RemovedEntry[];
  /** More messages to retire that had no folder entry at all (the web deletes whole conversations). */
  messageIds: readonly number[];
  actorId: number | null;
  door: ExpungeDoor;
  ip: string | null;
  now: Date;
}

export interface RetireResult {
  messages: { id: number; size: number; conversationId: number | null }[];
  freedBytes: number;
  /** Conversations left with no live message, now hidden. */
  hiddenConversationIds: number[];
}

export async function retireMessagesTx(tx: RawSql, input: RetireInput): Promise<RetireResult> {
  const { mailboxId, now } = input;
  const candidates = [...new Set([...input.entries.map((e) => e.messageId), ...input.messageIds])];
  if (candidates.length === 0) return { messages: [], freedBytes: 0, hiddenConversationIds: [] };
  const placed = input.entries.map((e) => ({ messageId: e.messageId, folderId: e.folderId, flags: e.flags }));

  // A message copied into another folder (IMAP COPY) keeps its other entries, and with them its place.
  const messages = await tx.$queryRaw<
    { id: number; size: number; conversationId: number | null; subject: string; fromAddress: string }[]
  >`
    with gone as (
      select m.id, m."conversationId", m."contentHash" from "Message" m
      where m.id = any(${candidates}::int[]) and m."mailboxId" = ${mailboxId}::int and m."deletedAt" is null
        and not exists (select 1 from "FolderMessage" e where e."messageId" = m.id)
      for update
    )
    update "Message" m set "deletedAt" = ${now}, "deletedById" = ${input.actorId}::int,
      "deletedVia" = ${input.door}, "deletedConversationId" = gone."conversationId",
      "conversationId" = null, "contentHash" = null,
      "deletedFrom" = jsonb_build_object(
        'entries', coalesce((select jsonb_agg(jsonb_build_object('folderId', p->'folderId', 'flags', p->'flags'))
          from jsonb_array_elements(${JSON.stringify(placed)}::jsonb) p where (p->>'messageId')::int = m.id), '[]'::jsonb),
        'contentHash', gone."contentHash")
    from gone where m.id = gone.id
    returning m.id, m.size, gone."conversationId", m.subject, m."fromAddress"`;
  messages.sort((a, b) => a.id - b.id);
  const freedBytes = messages.reduce((sum, m) => sum + m.size, 0);

  if (messages.length > 0) {
    await tx.$queryRaw`
      update "Mailbox" set "usedBytes" = "usedBytes" - ${freedBytes}::bigint,
        "usedMessages" = "usedMessages" - ${messages.length}::int
      where id = ${mailboxId}::int`;
  }

  // Per conversation: how many of its messages went. Counted from what was deleted, not recounted,
  // so the counter moves exactly as store-message.ts moved it.
  const perConversation = new Map<number, number>();
  for (const m of messages) {
    if (m.conversationId !== null)
      perConversation.set(m.conversationId, (perConversation.get(m.conversationId) ?? 0) + 1);
  }
  const conversationIds = [...perConversation.keys()];
  const hidden =
    conversationIds.length === 0
      ? []
      : await tx.$queryRaw<{ id: number; subject: string; status: string; hidden: boolean }[]>`
    with counts as (
      select id, n from unnest(${conversationIds}::int[], ${conversationIds.map((id) => perConversation.get(id))}::int[]) as t(id, n)
    )
    update "Conversation" c set "messageCount" = greatest(c."messageCount" - counts.n, 0),
      "lastMessageAt" = coalesce(
        (select max(m."internalDate") from "Message" m where m."conversationId" = c.id), c."lastMessageAt"),
      "deletedAt" = case when exists (select 1 from "Message" m where m."conversationId" = c.id)
        then c."deletedAt" else ${now} end,
      "waitingSince" = yubin_waiting_since(c.id),
      "updatedAt" = now()
    from counts
    where c.id = counts.id and c."mailboxId" = ${mailboxId}::int
    returning c.id, c.subject, c.status::text as status, c."deletedAt" is not null as hidden`;
  const hiddenConversations = hidden.filter((c) => c.hidden);

  await recordRetirement(tx, input, messages, hiddenConversations);
  return { messages, freedBytes, hiddenConversationIds: hiddenConversations.map((c) => c.id).sort((a, b) => a - b) };
}

/** The audit trail and the browsers' live feed, in one statement. */
async function recordRetirement(
  tx: RawSql,
  input: RetireInput,
  messages: { id: number; size: number; conversationId: number | null; subject: string; fromAddress: string }[],
  hiddenConversations: { id: number; subject: string; status: string }[],
): Promise<void> {
  const { mailboxId } = input;
  const hiddenIds = new Set(hiddenConversations.map((c) => c.id));
  // One LiveEvent per conversation (messages outside any conversation share one with a null id):
  // the browser routes events by conversation and refreshes once per event.
  const groups = new Map<number | null, number[]>();
  for (const e of input.entries) groups.set(e.conversationId, [...(groups.get(e.conversationId) ?? []), e.messageId]);
  for (const m of messages) {
    const group = groups.get(m.conversationId) ?? [];
    if (!group.includes(m.id)) groups.set(m.conversationId, [...group, m.id]);
  }
  const live = [...groups].map(([conversationId, messageIds]) => ({
    conversationId,
    payload: JSON.stringify({
      door: input.door,
      messageIds,
      deleted: messageIds.filter((id) => messages.some((m) => m.id === id)),
      conversationRemoved: conversationId !== null && hiddenIds.has(conversationId),
    }),
  }));
  const audits = [
    ...messages.map((m) => ({
      action: "message.delete",
      subjectType: "message",
      subjectId: String(m.id),
      before: {
        mailboxId,
        conversationId: m.conversationId,
        subject: m.subject.slice(0, 200),
        from: m.fromAddress.slice(0, 320),
        size: m.size,
      },
      after: { door: input.door, deletedAt: input.now.toISOString() },
    })),
    ...hiddenConversations.map((c) => ({
      action: "conversation.delete",
      subjectType: "conversation",
      subjectId: String(c.id),
      before: { mailboxId, subject: c.subject.slice(0, 200), status: c.status },
      after: { door: input.door, reason: "its last message was deleted" },
    })),
  ];
  await tx.$queryRaw`
    with audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      select ${input.actorId}::int, a->>'action', a->>'subjectType', a->>'subjectId', a->'before', a->'after', ${input.ip}::text
      from jsonb_array_elements(${JSON.stringify(audits)}::jsonb) as a
    ), live as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, "actorId", payload)
      select ${mailboxId}::int, (l->>'conversationId')::int, 'message.expunged', ${input.actorId}::int, (l->>'payload')::jsonb
      from jsonb_array_elements(${JSON.stringify(live)}::jsonb) as l
      returning id, "mailboxId", "conversationId", kind
    )
    select (select count(pg_notify(${LIVE_CHANNEL}, json_build_object('id', id, 'mailboxId', "mailboxId",
        'conversationId', "conversationId", 'kind', kind)::text)) from live)`;
}
