// A local recipient whose mailbox had no room at DATA while the message was
// stored for the others. SMTP has one reply per DATA (RFC 5321 §4.1.1.4), so
// the MX cannot refuse that one recipient alone the way LMTP does (RFC 2033
// §4.2): it answers 250 for everyone and keeps this copy here instead — as
// Postfix keeps a recipient that LMTP refused with 452 — and it is never
// silently dropped. It is a DeliveryJob marked `local`: the delivery workers
// try it again into the mailbox through the one write path with the queue's
// back-off, sooner when the mailbox gets room (trigger yubin_quota_rearm), and
// after the queue lifetime the sender gets a DSN (record-attempt.ts), exactly
// as for a remote host that keeps answering 452.
import type { RawSql } from "../db/raw-sql.ts";
import { blobKey } from "../mail-store/store-blob.ts";
import { storeMessage } from "../mail-store/store-message.ts";
import type { ClaimedJob } from "./claim-jobs.ts";
import { recipientDomain } from "./enqueue.ts";
import { OUTBOUND_CHANNEL, type RecipientStatus } from "./queue-types.ts";
import type { RecipientResult } from "./record-attempt.ts";

export interface LocalRetryRecipient {
  address: string;
  mailboxId: number;
  quarantine?: boolean;
}

/** Queues the copies for these mailboxes; one job, committed before the client hears 250. */
export async function enqueueLocalRetryTx(
  tx: RawSql,
  input: {
    raw: Buffer;
    /** The envelope sender ("" for <>), who gets the DSN if the mailbox never gets room. */
    mailFrom: string;
    recipients: LocalRetryRecipient[];
    messageIdHeader: string | null;
    /** Why it waits, as the last reply shown by `yubin queue`. */
    reply: string;
    now: Date;
    /** The first retry; the trigger yubin_quota_rearm brings it forward when the mailbox gets room. */
    nextAttemptAt: Date;
  },
): Promise<number | null> {
  const first = input.recipients[0];
  if (!first) return null;
  const recipients: RecipientStatus[] = input.recipients.map((r) => ({
    address: r.address,
    state: "pending",
    mailboxId: r.mailboxId,
    quarantine: r.quarantine ?? false,
    reply: input.reply,
    status: "4.2.2",
  }));
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    with blob as (
      insert into "Blob" (sha256, size, bytes) values (${blobKey(input.raw)}, ${input.raw.length}, ${input.raw})
      on conflict (sha256) do nothing
    ), outbound as (
      insert into "OutboundMessage" ("blobSha256", "mailFrom", "messageIdHeader", "createdAt")
      values (${blobKey(input.raw)}, ${input.mailFrom}, ${input.messageIdHeader}, ${input.now})
      returning id
    ), job as (
      insert into "DeliveryJob" ("outboundMessageId", domain, local, recipients, attempts, "lastReply",
        "lastAttemptAt", "nextAttemptAt", state, "createdAt", "updatedAt")
      select outbound.id, ${recipientDomain(first.address)}, true, ${JSON.stringify(recipients)}::jsonb, 1,
        ${input.reply}, ${input.now}, ${input.nextAttemptAt}, 'deferred', ${input.now}, now()
      from outbound
    )
    select outbound.id, pg_notify(${OUTBOUND_CHANNEL}, '')::text from outbound`;
  return row?.id ?? null;
}

/** One attempt of a local job: each pending copy through the one write path, with the answer an LMTP server would give. */
export async function deliverLocalJob(job: ClaimedJob): Promise<RecipientResult[]> {
  const results: RecipientResult[] = [];
  for (const r of job.recipients) {
    if (r.state !== "pending") continue;
    if (r.mailboxId === undefined) {
      results.push({ address: r.address, code: 550, status: "5.1.1", reply: "550 5.1.1 no mailbox recorded" });
      continue;
    }
    const [outcome] = await storeMessage({
      raw: job.raw,
      mailboxIds: [r.mailboxId],
      direction: "inbound",
      ...(r.quarantine ? { quarantine: true, folder: "Junk", flags: ["$Junk"] } : {}),
    });
    switch (outcome?.outcome) {
      case "stored":
      case "duplicate":
        results.push({ address: r.address, code: 250, status: "2.0.0", reply: "250 2.0.0 stored in the mailbox" });
        break;
      case "over_quota":
        results.push({ address: r.address, code: 452, status: "4.2.2", reply: "452 4.2.2 Mailbox full" });
        break;
      default:
        results.push({ address: r.address, code: 550, status: "5.1.1", reply: "550 5.1.1 No such mailbox" });
    }
  }
  return results;
}
