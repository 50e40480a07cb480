// The one write path (DESIGN.md "Rules"): SMTP delivery, IMAP APPEND, the
// connector and mail sent from the web all store mail here. For every target
// mailbox, in ONE transaction: the content-addressed blob, the message, its
// folder entry (UID from the folder's UIDNEXT), exact usage counters and the
// conversation. The caller acknowledges only after this resolves.

import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { type ParsedMessage, parseMessage } from "../mime/parse-message.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";
import { messageSearchTokens } from "../search/tokens.ts";
import { findThread } from "../threading/find-thread.ts";
import { normalizeSubject } from "../threading/normalize-subject.ts";
import { assignRoundRobin } from "../workflow/round-robin.ts";
import { blobKey } from "./store-blob.ts";

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
  const mailboxIds = [...new Set(input.mailboxIds)];
  if (mailboxIds.length === 1) {
    // One mailbox, the usual case: its write is a single statement, atomic on
    // its own and committed by PostgreSQL as it finishes, with no COMMIT round
    // trip while the mailbox's INBOX row is locked.
    return [
      await storeInMailbox(sql, {
        ...input,
        ...sharedFields(input),
        storeBlob: true,
        message,
        mailboxId: mailboxIds[0] as number,
      }),
    ];
  }
  return sqlTransaction((tx) => storeMessageTx(tx, input, message));
}

/** What every mailbox's copy shares: the blob's key and the arrival time. */
function sharedFields(input: StoreMessageInput) {
  return { blobSha256: blobKey(input.raw), now: input.internalDate ?? new Date() };
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
  const shared = sharedFields(input);
  const outcomes: StoreOutcome[] = [];
  for (const mailboxId of mailboxIds) {
    // The bytes travel with the first copy stored; the others share the blob.
    const storeBlob = !outcomes.some((o) => o.outcome === "stored");
    outcomes.push(await storeInMailbox(tx, { ...input, ...shared, mailboxId, storeBlob, message }));
  }
  return outcomes;
}

interface MailboxState {
  quotaBytes: bigint | null;
  usedBytes: bigint;
  quotaMessages: number | null;
  usedMessages: number;
  duplicateOf: number | null;
  contactId: number | null;
  roundRobin: boolean;
}

// Each mailbox costs two statements (plus threading look-ups for replies):
// one reads the mailbox's state, the other writes everything. The hot rows
// (folder, mailbox, conversation) are locked only by that last statement, just
// before COMMIT, so deliveries to one mailbox queue on its INBOX row as
// briefly as possible (docs/benchmarks.md).
async function storeInMailbox(
  tx: RawSql,
  input: StoreMessageInput & {
    mailboxId: number;
    blobSha256: string;
    storeBlob: boolean;
    message: ParsedMessage;
    now: Date;
  },
): Promise<StoreOutcome> {
  const { mailboxId, message, now } = input;
  const size = input.raw.length;
  const contactAddress = input.direction === "inbound" && message.fromAddress ? message.fromAddress : null;
  // An identical redelivery (same Message-ID and body to the same mailbox) is
  // recognised here and stores nothing; the unique index on those columns
  // settles the race between two copies arriving at once (see below). The
  // customer becomes a Contact (insert-or-select: no row lock, no dead tuple).
  const [state] = await tx.$queryRaw<MailboxState[]>`
    with contact as (
      insert into "Contact" (email, name) select ${contactAddress}::text, ${message.fromName.slice(0, 200)}
      where ${contactAddress}::text is not null
      on conflict (email) do nothing returning id
    )
    select m."quotaBytes", m."usedBytes", m."quotaMessages", m."usedMessages", m."roundRobin",
      (select id from "Message"
        where "mailboxId" = ${mailboxId} and "messageIdHeader" = ${message.messageIdHeader} and "bodyHash" = ${message.bodyHash}
      ) as "duplicateOf",
      coalesce((select id from contact), (select id from "Contact" where email = ${contactAddress}::text)) as "contactId"
    from "Mailbox" m where m.id = ${mailboxId}`;
  if (!state) return { mailboxId, outcome: "no_mailbox" };
  if (state.duplicateOf !== null) return { mailboxId, outcome: "duplicate", messageId: state.duplicateOf };

  // Checked without a lock: concurrent deliveries may overshoot a quota by the
  // messages in flight, but the counters themselves stay exact.
  const overBytes = state.quotaBytes !== null && state.usedBytes + BigInt(size) > state.quotaBytes;
  const overCount = state.quotaMessages !== null && state.usedMessages + 1 > state.quotaMessages;
  if (overBytes || overCount) return { mailboxId, outcome: "over_quota" };

  const thread = await findThread(tx, {
    mailboxId,
    ownMessageId: input.direction === "outbound" ? message.messageIdHeader : null,
    inReplyTo: message.inReplyTo,
    references: message.references,
    subject: message.subject,
    contactId: state.contactId,
    now,
  });
  // A customer writing again reopens a conversation that was waiting or done
  // and wakes a snoozed one; spam stays spam.
  const reopen = input.direction === "inbound" && thread.conversationId !== null;
  const folderName = input.folder ?? "INBOX";
  // Search tokens (server/search/tokens.ts), stored as they are: PostgreSQL does not re-tokenise.
  const searchTokens = messageSearchTokens(message).toSqlList();
  const [stored] = await tx.$queryRaw<
    {
      folderId: number;
      uid: number;
      messageId: number | null;
      conversationId: number;
      newConversationId: number | null;
    }[]
  >`
    with blob as (
      insert into "Blob" (sha256, size, bytes)
      select ${input.blobSha256}, ${size}, ${input.storeBlob ? input.raw : null}::bytea where ${input.storeBlob}
      on conflict (sha256) do nothing
    ), new_conversation as (
      insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "contactId", "messageCount",
        "lastMessageAt", "createdAt", "updatedAt")
      select ${mailboxId}, ${message.subject.slice(0, 1000)}, ${normalizeSubject(message.subject).key.slice(0, 1000)},
        ${state.contactId}::int, 1, ${now}, ${now}, now()
      where ${thread.conversationId}::int is null
      returning id
    ), conversation as (
      select coalesce(${thread.conversationId}::int, (select id from new_conversation)) as id
    ), message as (
      insert into "Message" ("mailboxId", "blobSha256", direction, "messageIdHeader", "inReplyTo", "references", subject,
        "fromAddress", "fromName", "toAddresses", "ccAddresses", date, size, "bodyHash", snippet, "textBody", "htmlBody",
        "hasAttachments", attachments, "parseError", "authResults", "conversationId", "threadReason", "internalDate",
        "searchVector")
      select ${mailboxId}, ${input.blobSha256}, ${input.direction}::"MessageDirection", ${message.messageIdHeader},
        ${message.inReplyTo}, ${message.references}::text[], ${message.subject}, ${message.fromAddress},
        ${message.fromName}, ${JSON.stringify(message.to)}::jsonb, ${JSON.stringify(message.cc)}::jsonb,
        ${message.date}::timestamptz, ${size}, ${message.bodyHash}, ${message.snippet}, ${message.textBody},
        ${message.htmlBody}, ${message.hasAttachments}, ${JSON.stringify(message.attachments)}::jsonb,
        ${message.parseError}, ${input.authResults === undefined ? null : JSON.stringify(input.authResults)}::jsonb,
        conversation.id, ${thread.reason}::"ThreadReason", ${now}, array_to_tsvector(string_to_array(${searchTokens}::text, ' '))
      from conversation
      on conflict ("mailboxId", "messageIdHeader", "bodyHash") do nothing
      returning id, "conversationId"
    ), folder as (
      update "Folder" set "uidNext" = "uidNext" + 1, "highestModseq" = "highestModseq" + 1
      where "mailboxId" = ${mailboxId} and name = ${folderName} and exists (select 1 from message)
      returning id, "uidNext" - 1 as uid, "highestModseq" as modseq
    ), entry as (
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select folder.id, message.id, folder.uid, folder.modseq, ${input.flags ?? []}::text[] from folder, message
      returning "folderId", uid, "messageId"
    ), usage as (
      update "Mailbox" set "usedBytes" = "usedBytes" + ${size}, "usedMessages" = "usedMessages" + 1
      where id = ${mailboxId} and exists (select 1 from entry)
    ), touched as (
      update "Conversation" set "messageCount" = "messageCount" + 1,
        "lastMessageAt" = greatest("lastMessageAt", ${now}),
        status = case when ${reopen} and status in ('pending', 'closed') then 'open'::"ConversationStatus" else status end,
        "snoozedUntil" = case when ${reopen} then null else "snoozedUntil" end,
        "updatedAt" = now()
      where id = ${thread.conversationId}::int and exists (select 1 from entry)
    ), live as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, payload)
      select ${mailboxId}, message."conversationId", 'message.stored',
        json_build_object('messageId', message.id, 'direction', ${input.direction}::text)
      from message, entry
      returning id, "conversationId"
    )
    -- NOTIFY is delivered at COMMIT, so listeners never hear of mail they cannot read yet:
    -- MAIL_CHANNEL for protocol sessions (IMAP IDLE), LIVE_CHANNEL for browsers (server/realtime/live-events.ts).
    select message.id as "messageId", message."conversationId", entry."folderId", entry.uid,
      (select pg_notify(${LIVE_CHANNEL}, json_build_object('id', live.id, 'mailboxId', ${mailboxId}::int,
        'conversationId', live."conversationId", 'kind', 'message.stored')::text) from live),
      (select id from new_conversation) as "newConversationId",
      case when entry.uid is not null then pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'message.stored',
        'mailboxId', ${mailboxId}::int, 'folderId', entry."folderId", 'uid', entry.uid, 'messageId', entry."messageId",
        'conversationId', message."conversationId")::text) end,
      -- A message without its folder entry must not commit: no such folder aborts the statement.
      case when message.id is not null and entry.uid is null then yubin_abort(${`mailbox ${mailboxId} has no folder ${folderName}`}) end
    from (select 1) as one left join message on true left join entry on true`;
  if (stored?.messageId == null) {
    // Another copy of the same message won the race for the unique index; the
    // conversation this copy would have started is left empty: remove it.
    if (stored?.newConversationId != null) {
      await tx.$queryRaw`
        delete from "Conversation" c where c.id = ${stored.newConversationId}
          and not exists (select 1 from "Message" where "conversationId" = c.id)`;
    }
    const [existing] = await tx.$queryRaw<{ id: number }[]>`
      select id from "Message"
      where "mailboxId" = ${mailboxId} and "messageIdHeader" = ${message.messageIdHeader} and "bodyHash" = ${message.bodyHash}`;
    if (!existing) throw new Error(`message for mailbox ${mailboxId} was neither stored nor a duplicate`);
    return { mailboxId, outcome: "duplicate", messageId: existing.id };
  }
  if (state.roundRobin && input.direction === "inbound" && stored.newConversationId != null) {
    // A follow-up only for new conversations of round-robin mailboxes; on the
    // one-statement path (tx is the pool) the mail is already committed, so it
    // runs in its own transaction and a failure leaves it Unassigned, not lost.
    const conversationId = stored.newConversationId;
    const assign = (t: RawSql) => assignRoundRobin(t, { mailboxId, conversationId });
    if (tx !== sql) await assign(tx);
    else await sqlTransaction(assign).catch((e: Error) => console.error(`round-robin: ${e.message}`));
  }
  return {
    mailboxId,
    outcome: "stored",
    messageId: stored.messageId,
    conversationId: stored.conversationId,
    folderId: stored.folderId,
    uid: stored.uid,
  };
}
