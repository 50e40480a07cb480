// The retention job: deleted mail older than its mailbox's window
// (Mailbox.deletedRetentionDays, or DELETED_RETENTION_DAYS) is removed for
// good, with the conversations that only deleted mail still held, and then
// the blobs nothing references any more (no message of any mailbox, no
// outbound message, no held reply): blobs are content-addressed and shared,
// so one is freed only when its last reference goes. Every process runs it
// from housekeeping (cli/roles/housekeeping.ts); SKIP LOCKED lets them race.
//
// The clock is the caller's (`now`), so a test moves it instead of waiting.
import { sqlTransaction } from "../db/raw-sql.ts";
import { DELETED_RETENTION_DAYS, PURGE_BATCH } from "../limits.ts";

export interface PurgeResult {
  messages: number;
  conversations: number;
  blobs: number;
  freedBlobBytes: number;
}

/** One batch (at most PURGE_BATCH messages); call again while `messages === PURGE_BATCH`. */
export async function purgeDeletedMail(input: { now: Date; batch?: number }): Promise<PurgeResult> {
  const batch = input.batch ?? PURGE_BATCH;
  return sqlTransaction(async (tx) => {
    const purged = await tx.$queryRaw<
      {
        id: number;
        mailboxId: number;
        blobSha256: string;
        conversationId: number | null;
        subject: string;
        deletedAt: Date;
      }[]
    >`
      with due as (
        select m.id from "Message" m join "Mailbox" mb on mb.id = m."mailboxId"
        where m."deletedAt" is not null
          and m."deletedAt" <= ${input.now}::timestamptz
            - make_interval(days => coalesce(mb."deletedRetentionDays", ${DELETED_RETENTION_DAYS}::int))
        order by m."deletedAt" limit ${batch}::int
        for update of m skip locked
      )
      delete from "Message" m using due where m.id = due.id and m."deletedAt" is not null
      returning m.id, m."mailboxId", m."blobSha256", m."deletedConversationId" as "conversationId", m.subject, m."deletedAt"`;
    if (purged.length === 0) return { messages: 0, conversations: 0, blobs: 0, freedBlobBytes: 0 };

    const conversationIds = [...new Set(purged.map((p) => p.conversationId).filter((c): c is number => c !== null))];
    const conversations = await tx.$queryRaw<{ id: number; mailboxId: number; subject: string }[]>`
      delete from "Conversation" c
      where c.id = any(${conversationIds}::int[]) and c."deletedAt" is not null
        and not exists (select 1 from "Message" m where m."conversationId" = c.id)
        and not exists (select 1 from "Message" m where m."deletedConversationId" = c.id)
      returning c.id, c."mailboxId", c.subject`;

    // A blob goes with its last reference. Rows that reference it lock it (FOR KEY SHARE), so a
    // delivery storing the same bytes at this moment either waits for this delete or keeps the blob.
    const shas = [...new Set(purged.map((p) => p.blobSha256))];
    const blobs = await tx.$queryRaw<{ sha256: string; size: number }[]>`
      delete from "Blob" b
      where b.sha256 = any(${shas}::text[])
        and not exists (select 1 from "Message" m where m."blobSha256" = b.sha256)
        and not exists (select 1 from "OutboundMessage" o where o."blobSha256" = b.sha256)
        and not exists (select 1 from "PendingReply" p where p."blobSha256" = b.sha256)
      returning b.sha256, b.size`;
    const freed = new Set(blobs.map((b) => b.sha256));

    const audits = [
      ...purged.map((p) => ({
        action: "message.purge",
        subjectType: "message",
        subjectId: String(p.id),
        before: {
          mailboxId: p.mailboxId,
          conversationId: p.conversationId,
          subject: p.subject.slice(0, 200),
          deletedAt: p.deletedAt.toISOString(),
        },
        after: { blobFreed: freed.has(p.blobSha256) },
      })),
      ...conversations.map((c) => ({
        action: "conversation.purge",
        subjectType: "conversation",
        subjectId: String(c.id),
        before: { mailboxId: c.mailboxId, subject: c.subject.slice(0, 200) },
        after: null,
      })),
    ];
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after)
      select null, a->>'action', a->>'subjectType', a->>'subjectId', a->'before', a->'after'
      from jsonb_array_elements(${JSON.stringify(audits)}::jsonb) as a`;
    return {
      messages: purged.length,
      conversations: conversations.length,
      blobs: blobs.length,
      freedBlobBytes: blobs.reduce((sum, b) => sum + b.size, 0),
    };
  });
}

/** Purges every due batch; what housekeeping calls. */
export async function purgeAllDeletedMail(now: Date): Promise<PurgeResult> {
  const total: PurgeResult = { messages: 0, conversations: 0, blobs: 0, freedBlobBytes: 0 };
  for (;;) {
    const one = await purgeDeletedMail({ now });
    total.messages += one.messages;
    total.conversations += one.conversations;
    total.blobs += one.blobs;
    total.freedBlobBytes += one.freedBlobBytes;
    if (one.messages < PURGE_BATCH) return total;
  }
}
