// The one deletion path, as store-message.ts is the one write path: a POP3
// UPDATE under the `delete` policy, an IMAP EXPUNGE / UID EXPUNGE / MOVE, and
// a deletion in the browser (server/recovery/delete-mail.ts) all remove mail
// here. For one folder of one mailbox, in ONE transaction:
//
// - the folder entries go (FolderMessage), and a message with no entry left
//   in any folder becomes deleted mail (server/recovery/retire-messages.ts):
//   kept, restorable for the mailbox's retention window, out of every view,
//   search and the quota, until the retention job purges it;
// - the mailbox's usage counters drop by exactly what was deleted;
// - each conversation loses those messages (messageCount, lastMessageAt), and
//   one left with no message is hidden (Conversation.deletedAt), so it
//   leaves the inbox and comes back if its mail is restored;
// - the folder's HIGHESTMODSEQ goes up by one and every expunged UID is
//   recorded with it (ExpungedUid), for IMAP QRESYNC's VANISHED (RFC 7162
//   §3.2.5.1, §3.2.10);
// - an AuditEvent per expunged entry, per deleted message and per hidden
//   conversation;
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
import { type ExpungeDoor, type RemovedEntry, retireMessagesTx } from "../recovery/retire-messages.ts";

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
  /** The deletion time recorded on deleted mail (its retention window starts here); now by default. */
  now?: Date;
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
  /** What left the quota: the messages that became deleted mail. */
  freedBytes: number;
  freedMessages: number;
  /** Conversations left without a message, and so hidden (restorable with their mail). */
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
  const { modseq, entries } = await removeEntriesTx(tx, input);
  if (modseq === null) {
    return {
      folderId: input.folderId,
      modseq: null,
      expunged: [],
      freedBytes: 0,
      freedMessages: 0,
      removedConversationIds: [],
    };
  }
  const retired = await retireMessagesTx(tx, {
    mailboxId: input.mailboxId,
    entries,
    messageIds: [],
    actorId: input.actorId,
    door: input.door,
    ip: input.ip ?? null,
    now: input.now ?? new Date(),
  });
  const deleted = new Set(retired.messages.map((m) => m.id));
  return {
    folderId: input.folderId,
    modseq,
    expunged: entries.map((e) => ({
      uid: e.uid,
      messageId: e.messageId,
      conversationId: e.conversationId,
      size: e.size,
      messageRemoved: deleted.has(e.messageId),
    })),
    freedBytes: retired.freedBytes,
    freedMessages: retired.messages.length,
    removedConversationIds: retired.hiddenConversationIds,
  };
}

/**
 * Only the folder side of an expunge: the entries go, the folder's MODSEQ
 * moves, the UIDs are recorded for QRESYNC and announced to IMAP sessions,
 * and each entry is audited. The messages are left for retireMessagesTx.
 * Entries come back in UID order; modseq is null when nothing matched.
 */
export async function removeEntriesTx(
  tx: RawSql,
  input: Pick<ExpungeInput, "mailboxId" | "folderId" | "select" | "actorId" | "door" | "ip">,
): Promise<{ modseq: bigint | null; entries: RemovedEntry[] }> {
  const { mailboxId, folderId } = input;
  const none = { modseq: null, entries: [] };
  const uids = "uids" in input.select ? [...input.select.uids] : [];
  const messageIds = "messageIds" in input.select ? [...input.select.messageIds] : [];
  if (uids.length === 0 && messageIds.length === 0) return none;

  // The folder row is the lock: expunges of one folder, and deliveries into it
  // (which take the same row for UIDNEXT), happen one after the other.
  const [folder] = await tx.$queryRaw<{ id: number }[]>`
    select id from "Folder" where id = ${folderId}::int and "mailboxId" = ${mailboxId}::int for update`;
  if (!folder) return none;

  const rows = await tx.$queryRaw<Omit<RemovedEntry, "folderId">[]>`
    delete from "FolderMessage" fm using "Message" m
    where fm."folderId" = ${folderId}::int and m.id = fm."messageId" and m."mailboxId" = ${mailboxId}::int
      and (fm.uid = any(${uids}::int[]) or fm."messageId" = any(${messageIds}::int[]))
    returning fm.uid, fm."messageId", m."conversationId", m.size, m.subject, fm.flags`;
  if (rows.length === 0) return none;
  const entries = rows.map((r) => ({ ...r, folderId })).sort((a, b) => a.uid - b.uid);
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

  const notices: string[] = [];
  for (let i = 0; i < entries.length; i += EXPUNGED_UIDS_PER_EVENT) {
    const event: MessageExpungedEvent = {
      kind: "message.expunged",
      mailboxId,
      folderId,
      modseq: modseq.toString(),
      uids: entries.slice(i, i + EXPUNGED_UIDS_PER_EVENT).map((e) => e.uid),
    };
    notices.push(JSON.stringify(event));
  }
  const audits = entries.map((e) => ({
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
      flags: e.flags,
    },
    after: { door: input.door, modseq: modseq.toString() },
  }));
  // The same rows record-audit.ts writes, here as one insert inside this transaction.
  await tx.$queryRaw`
    with audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      select ${input.actorId}::int, a->>'action', a->>'subjectType', a->>'subjectId', a->'before', a->'after', ${input.ip ?? null}::text
      from jsonb_array_elements(${JSON.stringify(audits)}::jsonb) as a
    )
    select (select count(pg_notify(${MAIL_CHANNEL}, n)) from unnest(${notices}::text[]) as n)`;
  return { modseq, entries };
}
