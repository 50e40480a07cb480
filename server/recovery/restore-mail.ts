// Deleted mail put back (an admin's recovery page, a member's "Recently
// deleted"): each message returns to the folders it was filed in, with the
// flags it had there (\Deleted aside: it was the reason for an IMAP expunge,
// and keeping it would have the next EXPUNGE take the message again), and to
// its conversation, which reappears with its status, assignee, tags and notes.
// A folder deleted since is replaced by INBOX.
//
// RFC 9051 §2.3.1.1: a UID is never reused in a folder, so a restored message
// gets a new UID from the folder's UIDNEXT, and the folder's MODSEQ moves; to
// an IMAP client it is a new message (docs/rfc-status.md).
//
// Back in the quota: the usage counters grow by what returns. Restoring is not
// refused over quota — the mail was the mailbox's before it was deleted.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";

/** The answer when nothing named is deleted mail of the mailbox (restored or purged already, or foreign). */
export const NOTHING_TO_RESTORE = "No such deleted mail: it was restored or purged already.";

export interface RestoreMailInput {
  mailboxId: AuthorizedMailboxId;
  /** Deleted messages of the mailbox, or every deleted message of one (deleted) conversation of it. */
  select: { messageIds: readonly number[] } | { conversationId: number };
  actorId: number | null;
  ip?: string | null;
}

export interface RestoreMailResult {
  restoredMessageIds: number[];
  /** Conversations that were hidden and are back. */
  restoredConversationIds: number[];
  /** Each new folder entry. */
  filed: { messageId: number; folderId: number; uid: number }[];
}

interface DeletedRow {
  id: number;
  size: number;
  subject: string;
  conversationId: number | null;
  deletedFrom: { entries?: { folderId: number; flags: string[] }[]; contentHash?: string | null } | null;
  messageIdHeader: string | null;
}

export async function restoreMail(input: RestoreMailInput): Promise<RestoreMailResult> {
  return sqlTransaction((tx) => restoreMailTx(tx, input));
}

export async function restoreMailTx(tx: RawSql, input: RestoreMailInput): Promise<RestoreMailResult> {
  const { mailboxId } = input;
  const ids = "messageIds" in input.select ? [...input.select.messageIds] : [];
  const conversationId = "conversationId" in input.select ? input.select.conversationId : null;
  const rows = await tx.$queryRaw<DeletedRow[]>`
    select m.id, m.size, m.subject, m."deletedConversationId" as "conversationId", m."deletedFrom", m."messageIdHeader"
    from "Message" m
    where m."mailboxId" = ${mailboxId}::int and m."deletedAt" is not null
      and (m.id = any(${ids}::int[]) or m."deletedConversationId" = ${conversationId}::int)
    order by m.id
    for update`;
  if (rows.length === 0) throw new InputError(NOTHING_TO_RESTORE, "not_found");

  const folders = await tx.$queryRaw<{ id: number; name: string }[]>`
    select id, name from "Folder" where "mailboxId" = ${mailboxId}::int`;
  const known = new Set(folders.map((f) => f.id));
  const inbox = folders.find((f) => f.name === "INBOX")?.id ?? null;

  // Where each message goes back: its recorded folders (INBOX for one deleted since), one entry per folder.
  const placements = new Map<number, { messageId: number; flags: string[] }[]>();
  for (const row of rows) {
    const seen = new Set<number>();
    for (const entry of row.deletedFrom?.entries ?? []) {
      const folderId = known.has(entry.folderId) ? entry.folderId : inbox;
      if (folderId === null || seen.has(folderId)) continue;
      seen.add(folderId);
      const flags = (entry.flags ?? []).filter(
        (f) => f.toLowerCase() !== "\\deleted" && f.toLowerCase() !== "\\recent",
      );
      placements.set(folderId, [...(placements.get(folderId) ?? []), { messageId: row.id, flags }]);
    }
  }

  // Folders in id order, each row locked while its UIDs are handed out (as store-message.ts does).
  const filed: RestoreMailResult["filed"] = [];
  for (const folderId of [...placements.keys()].sort((a, b) => a - b)) {
    const items = placements.get(folderId) ?? [];
    const inserted = await tx.$queryRaw<{ messageId: number; uid: number }[]>`
      with folder as (
        update "Folder" set "uidNext" = "uidNext" + ${items.length}::int, "highestModseq" = "highestModseq" + 1
        where id = ${folderId}::int and "mailboxId" = ${mailboxId}::int
        returning id, "uidNext" - ${items.length}::int as first, "highestModseq" as modseq
      )
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select folder.id, (i->>'messageId')::int, folder.first + (o - 1)::int, folder.modseq,
        array(select jsonb_array_elements_text(i->'flags'))
      from folder, jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as t(i, o)
      returning "messageId", uid`;
    for (const e of inserted) filed.push({ messageId: e.messageId, folderId, uid: e.uid });
  }

  // The message is live again: back in its conversation, with its duplicate key unless a live copy took it meanwhile.
  const restoredIds = rows.map((r) => r.id);
  await tx.$queryRaw`
    update "Message" m set "deletedAt" = null, "deletedById" = null, "deletedVia" = null,
      "conversationId" = (select c.id from "Conversation" c where c.id = m."deletedConversationId"),
      "deletedConversationId" = null, "deletedFrom" = null,
      "contentHash" = case when exists (select 1 from "Message" o where o."mailboxId" = m."mailboxId"
          and o."messageIdHeader" = m."messageIdHeader" and o."contentHash" = m."deletedFrom"->>'contentHash')
        then null else m."deletedFrom"->>'contentHash' end
    where m.id = any(${restoredIds}::int[])`;
  const size = rows.reduce((sum, r) => sum + r.size, 0);
  await tx.$queryRaw`
    update "Mailbox" set "usedBytes" = "usedBytes" + ${size}::bigint, "usedMessages" = "usedMessages" + ${rows.length}::int
    where id = ${mailboxId}::int`;

  const conversationIds = [...new Set(rows.map((r) => r.conversationId).filter((c): c is number => c !== null))];
  const conversations = await tx.$queryRaw<{ id: number; wasHidden: boolean }[]>`
    update "Conversation" c set
      "messageCount" = (select count(*)::int from "Message" m where m."conversationId" = c.id),
      "lastMessageAt" = coalesce((select max(m."internalDate") from "Message" m where m."conversationId" = c.id), c."lastMessageAt"),
      "waitingSince" = yubin_waiting_since(c.id), "deletedAt" = null, "updatedAt" = now()
    from (select id, "deletedAt" from "Conversation" where id = any(${conversationIds}::int[]) for update) old
    where c.id = old.id and c."mailboxId" = ${mailboxId}::int
    returning c.id, old."deletedAt" is not null as "wasHidden"`;
  const restoredConversationIds = conversations
    .filter((c) => c.wasHidden)
    .map((c) => c.id)
    .sort((a, b) => a - b);

  await recordRestore(tx, input, rows, filed, restoredConversationIds);
  return { restoredMessageIds: restoredIds, restoredConversationIds, filed };
}

async function recordRestore(
  tx: RawSql,
  input: RestoreMailInput,
  rows: DeletedRow[],
  filed: RestoreMailResult["filed"],
  restoredConversationIds: number[],
): Promise<void> {
  const { mailboxId } = input;
  const audits = [
    ...rows.map((r) => ({
      action: "message.restore",
      subjectType: "message",
      subjectId: String(r.id),
      before: { mailboxId, subject: r.subject.slice(0, 200) },
      after: {
        conversationId: r.conversationId,
        entries: filed.filter((f) => f.messageId === r.id).map((f) => ({ folderId: f.folderId, uid: f.uid })),
      },
    })),
    ...restoredConversationIds.map((id) => ({
      action: "conversation.restore",
      subjectType: "conversation",
      subjectId: String(id),
      before: { mailboxId },
      after: { restored: rows.filter((r) => r.conversationId === id).length },
    })),
  ];
  const groups = new Map<number | null, number[]>();
  for (const r of rows) groups.set(r.conversationId, [...(groups.get(r.conversationId) ?? []), r.id]);
  const live = [...groups].map(([conversationId, messageIds]) => ({
    conversationId,
    payload: JSON.stringify({
      messageIds,
      conversationRestored: restoredConversationIds.includes(conversationId ?? -1),
    }),
  }));
  // IMAP sessions hear of each new entry as of newly stored mail (EXISTS).
  const notices = filed.map((f) =>
    JSON.stringify({
      kind: "message.stored",
      mailboxId,
      folderId: f.folderId,
      uid: f.uid,
      messageId: f.messageId,
      conversationId: rows.find((r) => r.id === f.messageId)?.conversationId ?? null,
    }),
  );
  await tx.$queryRaw`
    with audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      select ${input.actorId}::int, a->>'action', a->>'subjectType', a->>'subjectId', a->'before', a->'after', ${input.ip ?? null}::text
      from jsonb_array_elements(${JSON.stringify(audits)}::jsonb) as a
    ), live as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, "actorId", payload)
      select ${mailboxId}::int, (l->>'conversationId')::int, 'message.restored', ${input.actorId}::int, (l->>'payload')::jsonb
      from jsonb_array_elements(${JSON.stringify(live)}::jsonb) as l
      returning id, "mailboxId", "conversationId", kind
    )
    select
      (select count(pg_notify(${LIVE_CHANNEL}, json_build_object('id', id, 'mailboxId', "mailboxId",
        'conversationId', "conversationId", 'kind', kind)::text)) from live),
      (select count(pg_notify(${MAIL_CHANNEL}, n)) from unnest(${notices}::text[]) as n)`;
}
