// The one deletion path, as store-message.ts is the one write path: a POP3
// UPDATE under the `delete` policy, an IMAP EXPUNGE / UID EXPUNGE / MOVE, and
// a deletion in the browser all remove mail here. For one folder of one
// mailbox, in ONE transaction:
//
// - the folder entries go (FolderMessage), and a message with no entry left
//   in any folder goes too (Message; its Blob stays: blobs are shared and
//   content-addressed, and a retention job purges unreferenced ones);
// - the mailbox's usage counters drop by exactly what was removed;
// - each conversation loses those messages (messageCount, lastMessageAt), and
//   one left with no message is removed, so it leaves the inbox;
// - the folder's HIGHESTMODSEQ goes up by one and every expunged UID is
//   recorded with it (ExpungedUid), for IMAP QRESYNC's VANISHED (RFC 7162
//   §3.2.5.1, §3.2.10);
// - an AuditEvent per expunged entry and per removed conversation;
// - a LiveEvent per affected conversation with a NOTIFY on LIVE_CHANNEL
//   (browsers), and NOTIFYs on MAIL_CHANNEL (IMAP sessions), which
//   PostgreSQL delivers at COMMIT.
//
// Authority is the caller's: the mailbox id comes from the gate. The folder
// and the entries are looked up inside that mailbox only, so a foreign folder
// id or UID expunges nothing, exactly like one that does not exist.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { EXPUNGED_UIDS_PER_EVENT, MAIL_CHANNEL, type MessageExpungedEvent } from "../realtime/channels.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";

/** Which door asked; recorded in the audit log and the events. */
export type ExpungeDoor = "pop3" | "imap" | "web" | "cli" | "retention";

export interface ExpungeInput {
  mailboxId: AuthorizedMailboxId;
  /** A folder of that mailbox; any other id expunges nothing. */
  folderId: number;
  /** The entries: by UID in the folder (IMAP, POP3) or by message id (the web). Unknown ones are skipped. */
  select: { uids: readonly number[] } | { messageIds: readonly number[] };
  /** Who did it (the logged-in user), or null for the system (retention, CLI without a user). */
  actorId: number | null;
  door: ExpungeDoor;
  /** The client's address, for the audit log. */
  ip?: string | null;
}

export interface ExpungedEntry {
  uid: number;
  messageId: number;
  conversationId: number | null;
  size: number;
  /** false: the message is still filed in another folder of the mailbox, so it stays (and so does its quota). */
  messageRemoved: boolean;
}

export interface ExpungeResult {
  folderId: number;
  /** The folder's HIGHESTMODSEQ after the expunge, recorded with every expunged UID; null when nothing matched. */
  modseq: bigint | null;
  /** In UID order. */
  expunged: ExpungedEntry[];
  freedBytes: number;
  freedMessages: number;
  /** Conversations left without a message, and so removed. */
  removedConversationIds: number[];
}

export async function expungeMessages(input: ExpungeInput): Promise<ExpungeResult> {
  return sqlTransaction((tx) => expungeMessagesTx(tx, input));
}

/**
 * The same inside the caller's transaction, for a caller that must commit
 * more in the same step (IMAP MOVE: the copy and the expunge together).
 */
export async function expungeMessagesTx(tx: RawSql, input: ExpungeInput): Promise<ExpungeResult> {
  const { mailboxId, folderId } = input;
  const nothing: ExpungeResult = {
    folderId,
    modseq: null,
    expunged: [],
    freedBytes: 0,
    freedMessages: 0,
    removedConversationIds: [],
  };
  const uids = "uids" in input.select ? [...input.select.uids] : [];
  const messageIds = "messageIds" in input.select ? [...input.select.messageIds] : [];
  if (uids.length === 0 && messageIds.length === 0) return nothing;

  // The folder row is the lock: expunges of one folder, and deliveries into it
  // (which take the same row for UIDNEXT), happen one after the other.
  const [folder] = await tx.$queryRaw<{ id: number }[]>`
    select id from "Folder" where id = ${folderId}::int and "mailboxId" = ${mailboxId}::int for update`;
  if (!folder) return nothing;

  const entries = await tx.$queryRaw<
    { uid: number; messageId: number; conversationId: number | null; size: number; subject: string }[]
  >`
    delete from "FolderMessage" fm using "Message" m
    where fm."folderId" = ${folderId}::int and m.id = fm."messageId" and m."mailboxId" = ${mailboxId}::int
      and (fm.uid = any(${uids}::int[]) or fm."messageId" = any(${messageIds}::int[]))
    returning fm.uid, fm."messageId", m."conversationId", m.size, m.subject`;
  if (entries.length === 0) return nothing;
  entries.sort((a, b) => a.uid - b.uid);
  const expungedUids = entries.map((e) => e.uid);

  // RFC 7162 §3.2.10: an expunge is a change, so it gets a new MODSEQ; one for the whole expunge.
  const [bumped] = await tx.$queryRaw<{ modseq: bigint }[]>`
    with folder as (
      update "Folder" set "highestModseq" = "highestModseq" + 1 where id = ${folderId}::int
      returning "highestModseq"
    ), recorded as (
      insert into "ExpungedUid" ("folderId", uid, modseq)
      select ${folderId}::int, uid, folder."highestModseq" from unnest(${expungedUids}::int[]) as uid, folder
      on conflict ("folderId", uid) do nothing
    )
    select "highestModseq" as modseq from folder`;
  const modseq = (bumped as { modseq: bigint }).modseq;

  // A message copied into another folder (IMAP COPY) keeps its other entries, and with them its place.
  const removed = await tx.$queryRaw<{ id: number; size: number; conversationId: number | null }[]>`
    delete from "Message" m
    where m.id = any(${entries.map((e) => e.messageId)}::int[]) and m."mailboxId" = ${mailboxId}::int
      and not exists (select 1 from "FolderMessage" e where e."messageId" = m.id)
    returning m.id, m.size, m."conversationId"`;
  const removedIds = new Set(removed.map((m) => m.id));
  const freedBytes = removed.reduce((sum, m) => sum + m.size, 0);

  if (removed.length > 0) {
    await tx.$queryRaw`
      update "Mailbox" set "usedBytes" = "usedBytes" - ${freedBytes}::bigint,
        "usedMessages" = "usedMessages" - ${removed.length}::int
      where id = ${mailboxId}::int`;
  }

  // Per conversation: how many of its messages went. Counted from what was deleted, not recounted,
  // so the counter moves exactly as store-message.ts moved it.
  const perConversation = new Map<number, number>();
  for (const m of removed) {
    if (m.conversationId !== null)
      perConversation.set(m.conversationId, (perConversation.get(m.conversationId) ?? 0) + 1);
  }
  const conversationIds = [...perConversation.keys()];
  const removedConversations =
    conversationIds.length === 0
      ? []
      : await tx.$queryRaw<{ id: number; subject: string; status: string; notes: number }[]>`
    with counts as (
      select id, n from unnest(${conversationIds}::int[], ${conversationIds.map((id) => perConversation.get(id))}::int[]) as t(id, n)
    ), gone as (
      delete from "Conversation" c using counts
      where c.id = counts.id and c."mailboxId" = ${mailboxId}::int
        and not exists (select 1 from "Message" m where m."conversationId" = c.id)
      returning c.id, c.subject, c.status::text as status,
        (select count(*)::int from "Note" n where n."conversationId" = c.id) as notes
    ), kept as (
      update "Conversation" c set "messageCount" = c."messageCount" - counts.n,
        "lastMessageAt" = coalesce(
          (select max(m."internalDate") from "Message" m where m."conversationId" = c.id), c."lastMessageAt"),
        "updatedAt" = now()
      from counts
      where c.id = counts.id and c."mailboxId" = ${mailboxId}::int and c.id not in (select id from gone)
    )
    select id, subject, status, notes from gone`;
  const removedConversationIds = removedConversations.map((c) => c.id);

  await recordExpunge(tx, input, { entries, removedIds, removedConversations, modseq });

  return {
    folderId,
    modseq,
    expunged: entries.map((e) => ({
      uid: e.uid,
      messageId: e.messageId,
      conversationId: e.conversationId,
      size: e.size,
      messageRemoved: removedIds.has(e.messageId),
    })),
    freedBytes,
    freedMessages: removed.length,
    removedConversationIds,
  };
}

/** The audit trail, the browsers' live feed and the protocol sessions' notices, in one statement. */
async function recordExpunge(
  tx: RawSql,
  input: ExpungeInput,
  facts: {
    entries: { uid: number; messageId: number; conversationId: number | null; size: number; subject: string }[];
    removedIds: Set<number>;
    removedConversations: { id: number; subject: string; status: string; notes: number }[];
    modseq: bigint;
  },
): Promise<void> {
  const { mailboxId, folderId } = input;
  const { entries, removedIds, removedConversations } = facts;
  const removedConversationIds = new Set(removedConversations.map((c) => c.id));

  // One LiveEvent per conversation (messages outside any conversation share one with a null id):
  // the browser routes events by conversation and refreshes once per event.
  const groups = new Map<number | null, number[]>();
  for (const e of entries) groups.set(e.conversationId, [...(groups.get(e.conversationId) ?? []), e.messageId]);
  const live = [...groups].map(([conversationId, messageIds]) => ({
    conversationId,
    payload: JSON.stringify({
      door: input.door,
      folderId,
      messageIds,
      conversationRemoved: conversationId !== null && removedConversationIds.has(conversationId),
    }),
  }));

  const notices: string[] = [];
  for (let i = 0; i < entries.length; i += EXPUNGED_UIDS_PER_EVENT) {
    const event: MessageExpungedEvent = {
      kind: "message.expunged",
      mailboxId,
      folderId,
      modseq: facts.modseq.toString(),
      uids: entries.slice(i, i + EXPUNGED_UIDS_PER_EVENT).map((e) => e.uid),
    };
    notices.push(JSON.stringify(event));
  }

  const audits = [
    ...entries.map((e) => ({
      action: "message.expunge",
      subjectType: "message",
      subjectId: String(e.messageId),
      before: {
        mailboxId,
        folderId,
        uid: e.uid,
        conversationId: e.conversationId,
        subject: e.subject.slice(0, 200),
        size: e.size,
      },
      after: { door: input.door, modseq: facts.modseq.toString(), messageRemoved: removedIds.has(e.messageId) },
    })),
    ...removedConversations.map((c) => ({
      action: "conversation.remove",
      subjectType: "conversation",
      subjectId: String(c.id),
      before: { mailboxId, subject: c.subject.slice(0, 200), status: c.status, notes: c.notes },
      after: { door: input.door, reason: "its last message was expunged" },
    })),
  ];

  // The same rows record-audit.ts writes, here as one insert inside this transaction.
  await tx.$queryRaw`
    with audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      select ${input.actorId}::int, a->>'action', a->>'subjectType', a->>'subjectId', a->'before', a->'after', ${input.ip ?? null}::text
      from jsonb_array_elements(${JSON.stringify(audits)}::jsonb) as a
    ), live as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, "actorId", payload)
      select ${mailboxId}::int, (l->>'conversationId')::int, 'message.expunged', ${input.actorId}::int, (l->>'payload')::jsonb
      from jsonb_array_elements(${JSON.stringify(live)}::jsonb) as l
      returning id, "mailboxId", "conversationId", kind
    )
    select
      (select count(pg_notify(${LIVE_CHANNEL}, json_build_object('id', id, 'mailboxId', "mailboxId",
        'conversationId', "conversationId", 'kind', kind)::text)) from live),
      (select count(pg_notify(${MAIL_CHANNEL}, n)) from unnest(${notices}::text[]) as n)`;
}
