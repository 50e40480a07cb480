// Step 3 of storing a copy: everything in one statement — the blob (for the
// first copy), a new conversation or the one threading found, the message
// with its search tokens, its folder entry with the next UID, the usage
// counters, the conversation's state, the assignee's "customer replied"
// notification and the live event, with NOTIFY for IMAP IDLE and for browsers. The hot rows (folder, mailbox, conversation)
// are locked only here, just before COMMIT, so deliveries to one mailbox
// queue on its INBOX row as briefly as possible (docs/benchmarks.md).
//
// Quota: for a mailbox with a limit, the statement first locks the target
// folder's row and then the mailbox's, and writes only if the message fits
// the counters as they are now (yubin_quota_fits, the one quota rule,
// migration mailbox_quota_warnings). A row lock in READ COMMITTED returns the
// newest committed row, so parallel deliveries into one folder see each
// other's usage and never overshoot; the folder-then-mailbox order is the one
// expunge-messages.ts takes, so the two cannot deadlock. A mailbox without a
// limit takes neither lock here.
import type { RawSql } from "../db/raw-sql.ts";
import { withoutNulDeep } from "../mime/storable-text.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";
import { messageSearchTokens } from "../search/tokens.ts";
import type { ThreadReason } from "../threading/find-thread.ts";
import { normalizeSubject } from "../threading/normalize-subject.ts";
import type { StoreCopy } from "./store-copy.ts";

export interface WrittenMessage {
  /** Null when another copy of the same message won the race for the unique index, or it did not fit. */
  messageId: number | null;
  /** False: the mailbox's quota had no room for it, and nothing was written. */
  fits: boolean;
  /** This write took usage to a warning threshold not yet noticed (server/quotas/quota-warning.ts). */
  quotaCrossed: boolean | null;
  conversationId: number;
  folderId: number;
  uid: number;
  /** The conversation this statement started, if it did. */
  newConversationId: number | null;
  /** The message is not the latest of its conversation, so waitingSince was left to be recomputed. */
  waitingStale: boolean;
}

export async function writeMessage(
  tx: RawSql,
  input: StoreCopy & {
    contactId: number | null;
    thread: { conversationId: number | null; reason: ThreadReason };
    /** Lock and check the quota (the mailbox has a limit and this copy is not a quota notice). */
    checkQuota: boolean;
  },
): Promise<WrittenMessage | undefined> {
  const { mailboxId, message, now, thread } = input;
  const size = input.raw.length;
  // A customer writing again reopens a conversation that was waiting or done
  // and wakes a snoozed one; spam stays spam.
  const inbound = input.direction === "inbound";
  const reopen = inbound && thread.conversationId !== null;
  const folderName = input.folder ?? "INBOX";
  // Search tokens (server/search/tokens.ts), stored as they are: PostgreSQL does not re-tokenise.
  const searchTokens = messageSearchTokens(message).toSqlList();
  // The verdicts quote header values, which may hold U+0000 (storable-text.ts).
  const authResults = input.authResults === undefined ? null : JSON.stringify(withoutNulDeep(input.authResults));
  const [stored] = await tx.$queryRaw<WrittenMessage[]>`
    with folder_lock as (
      select id from "Folder" where "mailboxId" = ${mailboxId} and name = ${folderName} and ${input.checkQuota}
      for no key update
    ), locked as (
      select yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", ${size}, 1) as fits
      from "Mailbox" m, folder_lock where m.id = ${mailboxId}
      for no key update of m
    ), room as (
      select coalesce((select fits from locked), true) as fits
    ), blob as (
      insert into "Blob" (sha256, size, bytes)
      select ${input.blobSha256}, ${size}, ${input.storeBlob ? input.raw : null}::bytea
      where ${input.storeBlob} and (select fits from room)
      on conflict (sha256) do nothing
    ), new_conversation as (
      insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "contactId", "messageCount",
        "lastMessageAt", "firstItemAt", "waitingSince", "createdAt", "updatedAt", status)
      select ${mailboxId}, ${message.subject.slice(0, 1000)}, ${normalizeSubject(message.subject).key.slice(0, 1000)},
        ${input.contactId}::int, 1, ${now}, ${now}, ${inbound ? now : null}::timestamptz, ${now}, now(),
        ${input.quarantine ? "spam" : "open"}::"ConversationStatus"
      where ${thread.conversationId}::int is null and (select fits from room)
      returning id
    ), conversation as (
      select coalesce(${thread.conversationId}::int, (select id from new_conversation)) as id
    ), message as (
      insert into "Message" ("mailboxId", "blobSha256", direction, "messageIdHeader", "inReplyTo", "references", subject,
        "fromAddress", "fromName", "toAddresses", "ccAddresses", date, size, "bodyHash", "contentHash", snippet, "textBody", "htmlBody",
        "hasAttachments", attachments, "parseError", malformed, "authResults", "conversationId", "threadReason", "internalDate",
        "searchVector")
      select ${mailboxId}, ${input.blobSha256}, ${input.direction}::"MessageDirection", ${message.messageIdHeader},
        ${message.inReplyTo}, ${message.references}::text[], ${message.subject}, ${message.fromAddress},
        ${message.fromName}, ${JSON.stringify(message.to)}::jsonb, ${JSON.stringify(message.cc)}::jsonb,
        ${message.date}::timestamptz, ${size}, ${message.bodyHash}, ${message.contentHash}, ${message.snippet}, ${message.textBody},
        ${message.htmlBody}, ${message.hasAttachments}, ${JSON.stringify(message.attachments)}::jsonb,
        ${message.parseError}, ${message.malformed}, ${authResults}::jsonb,
        conversation.id, ${thread.reason}::"ThreadReason", ${now}, array_to_tsvector(string_to_array(${searchTokens}::text, ' '))
      from conversation where (select fits from room)
      on conflict ("mailboxId", "messageIdHeader", "contentHash") do nothing
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
      returning "quotaWarnedPercent" < case when "quotaBytes" is null and "quotaMessages" is null then 0
        else yubin_quota_level("usedBytes", "quotaBytes", "usedMessages", "quotaMessages", "quotaWarnPercents") end
        as crossed
    ), touched as (
      -- waitingSince (the rule of yubin_waiting_since): a message later than every other of its
      -- conversation decides it alone (inbound: the wait goes on or starts; outbound: it ends).
      -- "lastMessageAt" is read from the row as locked, so a message another delivery committed
      -- meanwhile counts; otherwise the caller recomputes the rule (waitingStale).
      update "Conversation" c set "messageCount" = c."messageCount" + 1,
        "lastMessageAt" = greatest(c."lastMessageAt", ${now}),
        "waitingSince" = case when prior."lastMessageAt" >= ${now} then c."waitingSince"
          when ${inbound} then coalesce(c."waitingSince", ${now}) end,
        status = case when ${reopen} and c.status in ('pending', 'closed') then 'open'::"ConversationStatus" else c.status end,
        "snoozedUntil" = case when ${reopen} then null else c."snoozedUntil" end,
        "updatedAt" = now()
      from (select id, "lastMessageAt" from "Conversation"
        where id = ${thread.conversationId}::int and exists (select 1 from entry) for no key update) prior
      where c.id = prior.id
      returning prior."lastMessageAt" >= ${now} as stale
    ), notice as (
      -- "A customer replied in a conversation assigned to me": server/notifications/notify.ts
      -- does the same insert for the other kinds (the assignee's setting decides; nobody acted).
      insert into "Notification" ("userId", kind, "conversationId", shown, "mailPending")
      select u.id, 'customer.replied', c.id, coalesce(s."inApp", true), coalesce(s.email, false)
      from "Conversation" c join "User" u on u.id = c."assigneeId"
        left join "NotificationSetting" s on s."userId" = u.id and s.kind = 'customer.replied'
      where ${reopen} and c.id = ${thread.conversationId}::int and not u.disabled and exists (select 1 from entry)
        and (coalesce(s."inApp", true) or coalesce(s.email, false))
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
      (select fits from room) as fits, (select crossed from usage) as "quotaCrossed",
      -- After usage (above): the mailbox's row is locked before the conversation's, as before.
      coalesce((select stale from touched), false) as "waitingStale",
      case when entry.uid is not null then pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'message.stored',
        'mailboxId', ${mailboxId}::int, 'folderId', entry."folderId", 'uid', entry.uid, 'messageId', entry."messageId",
        'conversationId', message."conversationId")::text) end,
      -- A message without its folder entry must not commit: no such folder aborts the statement.
      case when message.id is not null and entry.uid is null then yubin_abort(${`mailbox ${mailboxId} has no folder ${folderName}`}) end
    from (select 1) as one left join message on true left join entry on true`;
  // Rare (an APPEND with an old date, an import, clocks apart): the whole rule, now that the message is in.
  if (stored?.waitingStale)
    await tx.$queryRaw`
      update "Conversation" set "waitingSince" = yubin_waiting_since(id) where id = ${stored.conversationId}::int`;
  return stored;
}
