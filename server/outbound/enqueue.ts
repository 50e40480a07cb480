// Puts a message on the outbound queue inside the caller's transaction: one
// OutboundMessage and one DeliveryJob per recipient domain, so each domain is
// tried, retried and bounced on its own. Committed before the client hears
// 250 (DESIGN.md "Nothing acknowledged is lost"). Plain SQL (RawSql) so that
// it joins the write path's transaction (server/db/raw-sql.ts).
import type { RawSql } from "../db/raw-sql.ts";
import { blobKey } from "../mail-store/store-blob.ts";
import { OUTBOUND_CHANNEL, type RecipientStatus } from "./queue-types.ts";

export interface EnqueueInput {
  raw: Buffer;
  /** "" for the null reverse-path (DSNs). */
  mailFrom: string;
  recipients: string[];
  messageIdHeader: string | null;
  storedMessageId?: number | null;
  /**
   * The raw message's blob key when this transaction has already stored that
   * blob (submission stores the sender's copy first): the bytes are not sent again.
   */
  storedBlobSha256?: string;
  now: Date;
}

/** One statement: the blob (unless stored), the message, its jobs and the NOTIFY that wakes the workers. */
export async function enqueueTx(tx: RawSql, input: EnqueueInput): Promise<number | null> {
  const byDomain = new Map<string, RecipientStatus[]>();
  for (const address of new Set(input.recipients)) {
    const domain = recipientDomain(address);
    const list = byDomain.get(domain) ?? [];
    list.push({ address, state: "pending" });
    byDomain.set(domain, list);
  }
  if (byDomain.size === 0) return null;
  const storeBytes = input.storedBlobSha256 === undefined;
  const blobSha256 = input.storedBlobSha256 ?? blobKey(input.raw);
  const domains = [...byDomain.keys()];
  const recipients = [...byDomain.values()].map((r) => JSON.stringify(r));
  // A NOTIFY in a transaction is delivered at COMMIT: workers never wake for a job they cannot see.
  const [outbound] = await tx.$queryRaw<{ id: number }[]>`
    with blob as (
      insert into "Blob" (sha256, size, bytes)
      select ${blobSha256}, ${input.raw.length}, ${storeBytes ? input.raw : null}::bytea where ${storeBytes}
      on conflict (sha256) do nothing
    ), outbound as (
      insert into "OutboundMessage" ("blobSha256", "mailFrom", "messageIdHeader", "storedMessageId", "createdAt")
      values (${blobSha256}, ${input.mailFrom}, ${input.messageIdHeader}, ${input.storedMessageId ?? null}::int,
        ${input.now})
      returning id
    ), jobs as (
      insert into "DeliveryJob" ("outboundMessageId", domain, recipients, "nextAttemptAt", "createdAt", "updatedAt")
      select outbound.id, d, r::jsonb, ${input.now}, ${input.now}, now()
      from outbound, unnest(${domains}::text[], ${recipients}::text[]) as t(d, r)
    )
    select outbound.id, pg_notify(${OUTBOUND_CHANNEL}, '')::text from outbound`;
  return (outbound as { id: number }).id;
}

export function recipientDomain(address: string): string {
  return address
    .slice(address.lastIndexOf("@") + 1)
    .toLowerCase()
    .replace(/\.$/, "");
}
