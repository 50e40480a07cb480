// Step 3 for a batch (store-messages.ts): the writes of many copies into ONE
// mailbox and folder in one statement, for copies that each start a new
// conversation — what an import or a connector mostly stores. It does what
// write-message.ts does for one such copy, row for row (a test compares the
// two: tests/mail-store/write-messages.test.ts): the blob, the conversation,
// the message with its search tokens, its folder entry with the next UID
// (UIDs and modseqs in the batch's order, as one statement each would give
// them), the usage counters, the live events with their NOTIFY for browsers
// and for IMAP IDLE. What write-message.ts does only for a message joining a
// conversation (reopening it, the assignee's notification, waitingSince of
// an older one) has no place here: such a copy is written alone.
//
// Quota: with a limit, the folder's and then the mailbox's row are locked as
// write-message.ts locks them and the batch is written only if all of it
// fits (yubin_quota_fits with its total); otherwise nothing is written and
// the caller writes the copies one by one, so the one that does not fit is
// found exactly where the single path finds it.
//
// A copy whose Message-ID and content hash the mailbox got meanwhile (the
// unique index: a delivery racing this batch) is skipped by the index as in
// write-message.ts; it comes back without a message id, its empty
// conversation removed, for the caller to find the winner.
import type { RawSql } from "../db/raw-sql.ts";
import { withoutNulDeep } from "../mime/storable-text.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";
import { LIVE_CHANNEL } from "../realtime/live-events.ts";
import { messageSearchTokens } from "../search/tokens.ts";
import { normalizeSubject } from "../threading/normalize-subject.ts";
import type { StoreCopy } from "./store-copy.ts";

/** ES2024 string methods (Node 20 has them; the TypeScript lib here is ES2023). */
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

export interface BatchCopy extends StoreCopy {
  contactId: number | null;
}

export interface WrittenBatch {
  /** False: the quota had no room for the whole batch, and nothing was written. */
  fits: boolean;
  quotaCrossed: boolean;
  /** In the order given; messageId null when the unique index already had the message. */
  rows: { messageId: number | null; conversationId: number | null; folderId: number | null; uid: number | null }[];
}

export async function writeMessages(
  tx: RawSql,
  input: { mailboxId: number; folder: string; checkQuota: boolean; copies: readonly BatchCopy[] },
): Promise<WrittenBatch> {
  const { mailboxId, copies } = input;
  if (copies.length === 0) return { fits: true, quotaCrossed: false, rows: [] };
  // The raw bytes of the batch travel as ONE binary parameter, each copy's a slice of it (1-based
  // offset for substring): an array of bytea would be hex text, twice the size, built up and
  // measured by the driver character by character.
  let offset = 1;
  const rows = copies.map((c, i) => {
    const m = c.message;
    const at = offset;
    if (c.storeBlob) offset += c.raw.length;
    return {
      n: i + 1,
      blob: c.blobSha256,
      store_blob: c.storeBlob,
      at,
      size: c.raw.length,
      subject: m.subject,
      conversation_subject: m.subject.slice(0, 1000),
      normalized: normalizeSubject(m.subject).key.slice(0, 1000),
      contact: c.contactId,
      inbound: c.direction === "inbound",
      direction: c.direction,
      spam: c.quarantine === true,
      now: c.now.toISOString(),
      message_id: m.messageIdHeader,
      in_reply_to: m.inReplyTo,
      refs: m.references,
      from_address: m.fromAddress,
      from_name: m.fromName,
      to_addresses: m.to,
      cc_addresses: m.cc,
      date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString() : null,
      body_hash: m.bodyHash,
      content_hash: m.contentHash,
      snippet: m.snippet,
      text_body: m.textBody,
      html_body: m.htmlBody,
      has_attachments: m.hasAttachments,
      attachments: m.attachments,
      parse_error: m.parseError,
      malformed: m.malformed,
      // The verdicts quote header values, which may hold U+0000 (storable-text.ts).
      auth_results: c.authResults === undefined ? null : withoutNulDeep(c.authResults),
      tokens: messageSearchTokens(m).toSqlList(),
      flags: c.flags ?? [],
    };
  });
  const bytes = Buffer.concat(copies.filter((c) => c.storeBlob).map((c) => c.raw));
  // A lone surrogate cannot travel in JSON to PostgreSQL; as a text parameter (write-message.ts) it becomes U+FFFD in UTF-8.
  const json = JSON.stringify(rows, (_, value: unknown) =>
    typeof value === "string" && !(value as WellFormed).isWellFormed() ? (value as WellFormed).toWellFormed() : value,
  );
  const written = await tx.$queryRaw<
    {
      n: bigint | null;
      newConversationId: number | null;
      messageId: number | null;
      folderId: number | null;
      uid: number | null;
      fits: boolean;
      quotaCrossed: boolean | null;
    }[]
  >`
    with input as (
      select i.*, case when i.store_blob then substring(${bytes}::bytea from i.at for i.size) end as bytes
      from jsonb_to_recordset(${json}::jsonb) as i(n bigint, blob text, store_blob boolean, at int, size int, subject text, conversation_subject text, normalized text, contact int, inbound boolean, direction text,
        spam boolean, now timestamptz, message_id text, in_reply_to text, refs jsonb, from_address text,
        from_name text, to_addresses jsonb, cc_addresses jsonb, date timestamptz, body_hash text, content_hash text,
        snippet text, text_body text, html_body text, has_attachments boolean, attachments jsonb, parse_error text,
        malformed text, auth_results jsonb, tokens text, flags jsonb)
    ), folder_lock as (
      select id from "Folder" where "mailboxId" = ${mailboxId} and name = ${input.folder} and ${input.checkQuota}
      for no key update
    ), locked as (
      select yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages",
        (select sum(size) from input)::bigint, (select count(*) from input)::int) as fits
      from "Mailbox" m, folder_lock where m.id = ${mailboxId}
      for no key update of m
    ), room as (
      select coalesce((select fits from locked), true) as fits
    ), blob as (
      insert into "Blob" (sha256, size, bytes)
      select distinct on (blob) blob, size, bytes from input where store_blob and (select fits from room)
      order by blob, n
      on conflict (sha256) do nothing
    ), ids as (
      -- Each copy's conversation id taken first, so that its message can name it.
      select n, nextval(pg_get_serial_sequence('"Conversation"', 'id'))::int as conversation
      from input where (select fits from room) order by n
    ), new_conversation as (
      insert into "Conversation" (id, "mailboxId", subject, "normalizedSubject", "contactId", "messageCount",
        "lastMessageAt", "firstItemAt", "waitingSince", "createdAt", "updatedAt", status)
      select ids.conversation, ${mailboxId}, i.conversation_subject, i.normalized, i.contact, 1, i.now, i.now,
        case when i.inbound then i.now end, i.now, now(),
        case when i.spam then 'spam' else 'open' end::"ConversationStatus"
      from input i join ids on ids.n = i.n order by i.n
    ), message as (
      insert into "Message" ("mailboxId", "blobSha256", direction, "messageIdHeader", "inReplyTo", "references", subject,
        "fromAddress", "fromName", "toAddresses", "ccAddresses", date, size, "bodyHash", "contentHash", snippet, "textBody", "htmlBody",
        "hasAttachments", attachments, "parseError", malformed, "authResults", "conversationId", "threadReason", "internalDate",
        "searchVector")
      select ${mailboxId}, i.blob, i.direction::"MessageDirection", i.message_id, i.in_reply_to,
        array(select jsonb_array_elements_text(i.refs)), i.subject, i.from_address, i.from_name, i.to_addresses,
        i.cc_addresses, i.date, i.size, i.body_hash, i.content_hash, i.snippet, i.text_body, i.html_body,
        i.has_attachments, i.attachments, i.parse_error, i.malformed, i.auth_results, ids.conversation,
        'new'::"ThreadReason", i.now, array_to_tsvector(string_to_array(i.tokens, ' '))
      from input i join ids on ids.n = i.n order by i.n
      on conflict ("mailboxId", "messageIdHeader", "contentHash") do nothing
      returning id, "conversationId"
    ), numbered as (
      select message.id, message."conversationId", ids.n, row_number() over (order by ids.n) as k
      from message join ids on ids.conversation = message."conversationId"
    ), folder as (
      update "Folder" set "uidNext" = "uidNext" + (select count(*) from message)::int,
        "highestModseq" = "highestModseq" + (select count(*) from message)
      where "mailboxId" = ${mailboxId} and name = ${input.folder} and exists (select 1 from message)
      returning id, "uidNext" - (select count(*) from message)::int as first_uid,
        "highestModseq" - (select count(*) from message) as modseq_before
    ), entry as (
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select folder.id, numbered.id, folder.first_uid + numbered.k::int - 1, folder.modseq_before + numbered.k,
        array(select jsonb_array_elements_text(i.flags))
      from folder, numbered join input i on i.n = numbered.n
      order by numbered.k
      returning "folderId", uid, "messageId"
    ), usage as (
      update "Mailbox" set "usedBytes" = "usedBytes" + (select coalesce(sum(i.size), 0) from numbered join input i on i.n = numbered.n),
        "usedMessages" = "usedMessages" + (select count(*) from numbered)::int
      where id = ${mailboxId} and exists (select 1 from entry)
      returning "quotaWarnedPercent" < case when "quotaBytes" is null and "quotaMessages" is null then 0
        else yubin_quota_level("usedBytes", "quotaBytes", "usedMessages", "quotaMessages", "quotaWarnPercents") end
        as crossed
    ), live as (
      insert into "LiveEvent" ("mailboxId", "conversationId", kind, payload)
      select ${mailboxId}, numbered."conversationId", 'message.stored',
        json_build_object('messageId', numbered.id, 'direction', i.direction)
      from numbered join input i on i.n = numbered.n join entry on entry."messageId" = numbered.id
      order by numbered.k
      returning id, "conversationId"
    ), done as (
      select numbered.n, numbered.id as "messageId", numbered."conversationId", entry."folderId", entry.uid, live.id as live_id
      from numbered join entry on entry."messageId" = numbered.id join live on live."conversationId" = numbered."conversationId"
      order by numbered.k
    ), notified as (
      -- NOTIFY is delivered at COMMIT, in this order (write-message.ts says whom each channel serves).
      select done.*, pg_notify(${LIVE_CHANNEL}, json_build_object('id', live_id, 'mailboxId', ${mailboxId}::int,
          'conversationId', done."conversationId", 'kind', 'message.stored')::text)::text as live_notified,
        pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'message.stored', 'mailboxId', ${mailboxId}::int,
          'folderId', done."folderId", 'uid', done.uid, 'messageId', done."messageId",
          'conversationId', done."conversationId")::text)::text as mail_notified
      from (select * from done order by uid) as done
    )
    select ids.n, ids.conversation as "newConversationId", notified."messageId", notified."folderId", notified.uid,
      (select fits from room) as fits, (select crossed from usage) as "quotaCrossed",
      -- A message without its folder entry must not commit: no such folder aborts the statement.
      case when exists (select 1 from message) and not exists (select 1 from folder)
        then yubin_abort(${`mailbox ${mailboxId} has no folder ${input.folder}`}) end
    from (select 1) as one left join (ids left join notified on notified.n = ids.n) on true
    order by ids.n`;
  const first = written[0];
  const byN = new Map(written.filter((w) => w.n !== null).map((w) => [Number(w.n), w]));
  const result: WrittenBatch = {
    fits: first?.fits ?? true,
    quotaCrossed: first?.quotaCrossed === true,
    rows: copies.map((_, i) => {
      const w = byN.get(i + 1);
      return {
        messageId: w?.messageId ?? null,
        conversationId: w?.messageId == null ? null : w.newConversationId,
        folderId: w?.folderId ?? null,
        uid: w?.uid ?? null,
      };
    }),
  };
  const empty = [...byN.values()].filter((w) => w.messageId === null).map((w) => w.newConversationId as number);
  if (empty.length > 0) {
    // Skipped by the unique index: the conversations made for them are left empty (as in write-message.ts).
    await tx.$queryRaw`
      delete from "Conversation" c where c.id = any(${empty}::int[])
        and not exists (select 1 from "Message" where "conversationId" = c.id)`;
  }
  return result;
}
