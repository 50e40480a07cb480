// The one write path (DESIGN.md "Rules"): SMTP delivery, IMAP APPEND, the
// connector and mail sent from the web all store mail here. For every target
// mailbox, in ONE transaction: the content-addressed blob, the message, its
// folder entry (UID from the folder's UIDNEXT), exact usage counters and the
// conversation. The caller acknowledges only after this resolves.

import { findThread } from "../conversations/find-thread.ts";
import { normalizeSubject } from "../conversations/normalize-subject.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { MAIL_CHANNEL, type MailEvent } from "../events/channels.ts";
import { type ParsedMessage, parseMessage } from "../mail/parse-message.ts";
import { putBlob } from "./store-blob.ts";

export interface StoreMessageInput {
  raw: Buffer;
  mailboxIds: number[];
  direction: "inbound" | "outbound";
  /** Folder name; INBOX by default. */
  folder?: string;
  flags?: string[];
  /** Authentication verdicts (SPF, DKIM, DMARC, ARC) as JSON. */
  authResults?: Record<string, unknown>;
  internalDate?: Date;
}

export type StoreOutcome =
  | { mailboxId: number; outcome: "stored"; messageId: number; conversationId: number; folderId: number; uid: number }
  | { mailboxId: number; outcome: "duplicate"; messageId: number }
  | { mailboxId: number; outcome: "over_quota" }
  | { mailboxId: number; outcome: "no_mailbox" };

export async function storeMessage(input: StoreMessageInput, parsed?: ParsedMessage): Promise<StoreOutcome[]> {
  const message = parsed ?? (await parseMessage(input.raw));
  return sqlTransaction((tx) => storeMessageTx(tx, input, message));
}

/**
 * The same, inside the caller's transaction, for callers that must commit
 * more in the same step (outbound mail: the sender's copy, local recipients
 * and the delivery queue together). The caller parses before opening it.
 */
export async function storeMessageTx(
  tx: RawSql,
  input: StoreMessageInput,
  message: ParsedMessage,
): Promise<StoreOutcome[]> {
  const mailboxIds = [...new Set(input.mailboxIds)].sort((a, b) => a - b);
  const now = input.internalDate ?? new Date();
  const blobSha256 = await putBlob(tx, input.raw);
  const outcomes: StoreOutcome[] = [];
  const events: MailEvent[] = [];
  for (const mailboxId of mailboxIds) {
    const outcome = await storeInMailbox(tx, { ...input, mailboxId, blobSha256, message, now });
    outcomes.push(outcome);
    if (outcome.outcome === "stored") {
      const { messageId, conversationId, folderId, uid } = outcome;
      events.push({ kind: "message.stored", mailboxId, folderId, uid, messageId, conversationId });
    }
  }
  for (const event of events) {
    await tx.$queryRaw`select pg_notify(${MAIL_CHANNEL}, ${JSON.stringify(event)})`;
  }
  return outcomes;
}

async function storeInMailbox(
  tx: RawSql,
  input: StoreMessageInput & { mailboxId: number; blobSha256: string; message: ParsedMessage; now: Date },
): Promise<StoreOutcome> {
  const { mailboxId, message, now } = input;
  const size = input.raw.length;
  // Round trips are few and the hot rows (folder, mailbox, conversation) are
  // locked only by the last statement, just before COMMIT: deliveries to one
  // mailbox queue on its INBOX row for as short a time as possible.
  const dedupe = message.messageIdHeader !== null && message.bodyHash !== "";
  // Identical redelivery (same Message-ID and body to the same mailbox) is
  // recognised and stores nothing. The advisory lock serialises concurrent
  // copies of one Message-ID so that two cannot both miss each other.
  const [state] = await tx.$queryRaw<MailboxState[]>`
    with lock as materialized (
      select case when ${dedupe} then pg_advisory_xact_lock(${mailboxId}, hashtext(${message.messageIdHeader ?? ""})) end
    )
    select m."quotaBytes", m."usedBytes", m."quotaMessages", m."usedMessages",
      case when ${dedupe} then (
        select id from "Message"
        where "mailboxId" = ${mailboxId} and "messageIdHeader" = ${message.messageIdHeader} and "bodyHash" = ${message.bodyHash}
        limit 1
      ) end as "duplicateOf"
    from lock, "Mailbox" m where m.id = ${mailboxId}`;
  if (!state) return { mailboxId, outcome: "no_mailbox" };
  if (state.duplicateOf !== null) return { mailboxId, outcome: "duplicate", messageId: state.duplicateOf };

  // Checked without a lock: concurrent deliveries may overshoot a quota by the
  // messages in flight, but the counters themselves stay exact.
  const overBytes = state.quotaBytes !== null && state.usedBytes + BigInt(size) > state.quotaBytes;
  const overCount = state.quotaMessages !== null && state.usedMessages + 1 > state.quotaMessages;
  if (overBytes || overCount) return { mailboxId, outcome: "over_quota" };

  const contactId = input.direction === "inbound" && message.fromAddress ? await upsertContact(tx, message) : null;
  const thread = await findThread(tx, {
    mailboxId,
    inReplyTo: message.inReplyTo,
    references: message.references,
    subject: message.subject,
    contactId,
    now,
  });
  const conversationId =
    thread.conversationId ?? (await createConversation(tx, { mailboxId, message, contactId, now }));

  const [created] = await tx.$queryRaw<{ id: number }[]>`
    insert into "Message" ("mailboxId", "blobSha256", direction, "messageIdHeader", "inReplyTo", "references", subject,
      "fromAddress", "fromName", "toAddresses", "ccAddresses", date, size, "bodyHash", snippet, "textBody", "htmlBody",
      "hasAttachments", attachments, "parseError", "authResults", "conversationId", "threadReason", "internalDate")
    values (${mailboxId}, ${input.blobSha256}, ${input.direction}::"MessageDirection", ${message.messageIdHeader},
      ${message.inReplyTo}, ${message.references}::text[], ${message.subject}, ${message.fromAddress}, ${message.fromName},
      ${JSON.stringify(message.to)}::jsonb, ${JSON.stringify(message.cc)}::jsonb, ${message.date}, ${size},
      ${message.bodyHash}, ${message.snippet}, ${message.textBody}, ${message.htmlBody}, ${message.hasAttachments},
      ${JSON.stringify(message.attachments)}::jsonb, ${message.parseError},
      ${input.authResults === undefined ? null : JSON.stringify(input.authResults)}::jsonb, ${conversationId},
      ${thread.reason}::"ThreadReason", ${now})
    returning id`;
  const messageId = (created as { id: number }).id;

  // A customer writing again reopens a conversation that was waiting or done
  // and wakes a snoozed one; spam stays spam.
  const reopen = input.direction === "inbound" && thread.conversationId !== null;
  const folderName = input.folder ?? "INBOX";
  const [entry] = await tx.$queryRaw<{ folderId: number; uid: number }[]>`
    with folder as (
      update "Folder" set "uidNext" = "uidNext" + 1, "highestModseq" = "highestModseq" + 1
      where "mailboxId" = ${mailboxId} and name = ${folderName}
      returning id, "uidNext" - 1 as uid, "highestModseq" as modseq
    ), entry as (
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select id, ${messageId}, uid, modseq, ${input.flags ?? []}::text[] from folder
      returning "folderId", uid
    ), usage as (
      update "Mailbox" set "usedBytes" = "usedBytes" + ${size}, "usedMessages" = "usedMessages" + 1
      where id = ${mailboxId} and exists (select 1 from folder)
    ), conversation as (
      update "Conversation" set "messageCount" = "messageCount" + 1,
        "lastMessageAt" = greatest("lastMessageAt", ${now}),
        status = case when ${reopen} and status in ('pending', 'closed') then 'open'::"ConversationStatus" else status end,
        "snoozedUntil" = case when ${reopen} then null else "snoozedUntil" end,
        "updatedAt" = now()
      where id = ${conversationId} and exists (select 1 from folder)
    )
    select "folderId", uid from entry`;
  if (!entry) throw new Error(`mailbox ${mailboxId} has no folder ${folderName}`);
  return { mailboxId, outcome: "stored", messageId, conversationId, folderId: entry.folderId, uid: entry.uid };
}

interface MailboxState {
  quotaBytes: bigint | null;
  usedBytes: bigint;
  quotaMessages: number | null;
  usedMessages: number;
  duplicateOf: number | null;
}

async function createConversation(
  tx: RawSql,
  input: { mailboxId: number; message: ParsedMessage; contactId: number | null; now: Date },
): Promise<number> {
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "contactId", "lastMessageAt", "createdAt", "updatedAt")
    values (${input.mailboxId}, ${input.message.subject.slice(0, 1000)},
      ${normalizeSubject(input.message.subject).key.slice(0, 1000)}, ${input.contactId}, ${input.now}, ${input.now}, now())
    returning id`;
  return (row as { id: number }).id;
}

async function upsertContact(tx: RawSql, message: ParsedMessage): Promise<number> {
  // Insert-or-select rather than "on conflict do update": a returning customer
  // costs no row lock and no dead tuple.
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    with inserted as (
      insert into "Contact" (email, name) values (${message.fromAddress}, ${message.fromName.slice(0, 200)})
      on conflict (email) do nothing returning id
    )
    select id from inserted union all select id from "Contact" where email = ${message.fromAddress} limit 1`;
  return (row as { id: number }).id;
}
