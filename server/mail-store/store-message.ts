// The one write path (DESIGN.md "Rules"): SMTP delivery, IMAP APPEND, the
// connector and mail sent from the web all store mail here. For every target
// mailbox, in ONE transaction: the content-addressed blob, the message, its
// folder entry (UID from the folder's UIDNEXT), exact usage counters and the
// conversation. The caller acknowledges only after this resolves.

import { findThread } from "../conversations/find-thread.ts";
import { normalizeSubject } from "../conversations/normalize-subject.ts";
import type { Prisma } from "../db.ts";
import { db } from "../db.ts";
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
  const mailboxIds = [...new Set(input.mailboxIds)].sort((a, b) => a - b);
  const now = input.internalDate ?? new Date();
  return db().$transaction(
    async (tx) => {
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
        await tx.$executeRaw`select pg_notify(${MAIL_CHANNEL}, ${JSON.stringify(event)})`;
      }
      return outcomes;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

async function storeInMailbox(
  tx: Prisma.TransactionClient,
  input: StoreMessageInput & { mailboxId: number; blobSha256: string; message: ParsedMessage; now: Date },
): Promise<StoreOutcome> {
  const { mailboxId, message, now } = input;
  const size = input.raw.length;
  const mailbox = await tx.mailbox.findUnique({
    where: { id: mailboxId },
    select: { quotaBytes: true, quotaMessages: true, usedBytes: true, usedMessages: true },
  });
  if (!mailbox) return { mailboxId, outcome: "no_mailbox" };

  if (message.messageIdHeader && message.bodyHash) {
    // Serialise concurrent redeliveries of one Message-ID to one mailbox, then
    // recognise an identical copy (same Message-ID and body) and store nothing.
    await tx.$executeRaw`select pg_advisory_xact_lock(${mailboxId}, hashtext(${message.messageIdHeader}))`;
    const same = await tx.message.findFirst({
      where: { mailboxId, messageIdHeader: message.messageIdHeader, bodyHash: message.bodyHash },
      select: { id: true },
    });
    if (same) return { mailboxId, outcome: "duplicate", messageId: same.id };
  }

  // Checked without a lock: concurrent deliveries may overshoot a quota by the
  // messages in flight, but the counters themselves stay exact.
  const overBytes = mailbox.quotaBytes !== null && mailbox.usedBytes + BigInt(size) > mailbox.quotaBytes;
  const overCount = mailbox.quotaMessages !== null && mailbox.usedMessages + 1 > mailbox.quotaMessages;
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
    thread.conversationId ??
    (
      await tx.conversation.create({
        data: {
          mailboxId,
          subject: message.subject.slice(0, 1000),
          normalizedSubject: normalizeSubject(message.subject).key.slice(0, 1000),
          contactId,
          lastMessageAt: now,
          createdAt: now,
        },
        select: { id: true },
      })
    ).id;

  const created = await tx.message.create({
    data: {
      mailboxId,
      blobSha256: input.blobSha256,
      direction: input.direction,
      messageIdHeader: message.messageIdHeader,
      inReplyTo: message.inReplyTo,
      references: message.references,
      subject: message.subject,
      fromAddress: message.fromAddress,
      fromName: message.fromName,
      toAddresses: message.to as unknown as Prisma.InputJsonValue,
      ccAddresses: message.cc as unknown as Prisma.InputJsonValue,
      date: message.date,
      size,
      bodyHash: message.bodyHash,
      snippet: message.snippet,
      textBody: message.textBody,
      htmlBody: message.htmlBody,
      hasAttachments: message.hasAttachments,
      attachments: message.attachments as unknown as Prisma.InputJsonValue,
      parseError: message.parseError,
      authResults: input.authResults as Prisma.InputJsonValue | undefined,
      conversationId,
      threadReason: thread.reason,
      internalDate: now,
    },
    select: { id: true },
  });

  // The hot rows (folder, mailbox, conversation) are touched last so their
  // locks are held only until the commit that follows.
  const folderName = input.folder ?? "INBOX";
  const [folder] = await tx.$queryRaw<{ id: number; uid: number; modseq: bigint }[]>`
    update "Folder" set "uidNext" = "uidNext" + 1, "highestModseq" = "highestModseq" + 1
    where "mailboxId" = ${mailboxId} and name = ${folderName}
    returning id, "uidNext" - 1 as uid, "highestModseq" as modseq`;
  if (!folder) throw new Error(`mailbox ${mailboxId} has no folder ${folderName}`);
  await tx.folderMessage.create({
    data: {
      folderId: folder.id,
      messageId: created.id,
      uid: folder.uid,
      modseq: folder.modseq,
      flags: input.flags ?? [],
    },
  });
  await tx.mailbox.update({
    where: { id: mailboxId },
    data: { usedBytes: { increment: size }, usedMessages: { increment: 1 } },
  });
  // A customer writing again reopens a conversation that was waiting or done
  // and wakes a snoozed one; spam stays spam.
  const reopen = input.direction === "inbound" && thread.conversationId !== null;
  await tx.$executeRaw`
    update "Conversation" set "messageCount" = "messageCount" + 1,
      "lastMessageAt" = greatest("lastMessageAt", ${now}),
      status = case when ${reopen} and status in ('pending', 'closed') then 'open'::"ConversationStatus" else status end,
      "snoozedUntil" = case when ${reopen} then null else "snoozedUntil" end,
      "updatedAt" = now()
    where id = ${conversationId}`;
  return { mailboxId, outcome: "stored", messageId: created.id, conversationId, folderId: folder.id, uid: folder.uid };
}

async function upsertContact(tx: Prisma.TransactionClient, message: ParsedMessage): Promise<number> {
  const contact = await tx.contact.upsert({
    where: { email: message.fromAddress },
    create: { email: message.fromAddress, name: message.fromName.slice(0, 200) },
    update: {},
    select: { id: true },
  });
  return contact.id;
}
