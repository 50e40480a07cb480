// Puts a message on the outbound queue inside the caller's transaction: one
// OutboundMessage and one DeliveryJob per recipient domain, so each domain is
// tried, retried and bounced on its own. Committed before the client hears
// 250 (DESIGN.md "Nothing acknowledged is lost"). Plain SQL (RawSql) so that
// it joins the write path's transaction (server/db/raw-sql.ts).
import type { RawSql } from "../db/raw-sql.ts";
import { putBlob } from "../mail-store/store-blob.ts";
import { OUTBOUND_CHANNEL, type RecipientStatus } from "./queue-types.ts";

export interface EnqueueInput {
  raw: Buffer;
  /** "" for the null reverse-path (DSNs). */
  mailFrom: string;
  recipients: string[];
  messageIdHeader: string | null;
  storedMessageId?: number | null;
  now: Date;
}

export async function enqueueTx(tx: RawSql, input: EnqueueInput): Promise<number | null> {
  const byDomain = new Map<string, RecipientStatus[]>();
  for (const address of new Set(input.recipients)) {
    const domain = recipientDomain(address);
    const list = byDomain.get(domain) ?? [];
    list.push({ address, state: "pending" });
    byDomain.set(domain, list);
  }
  if (byDomain.size === 0) return null;
  const blobSha256 = await putBlob(tx, input.raw);
  const [outbound] = await tx.$queryRaw<{ id: number }[]>`
    insert into "OutboundMessage" ("blobSha256", "mailFrom", "messageIdHeader", "storedMessageId", "createdAt")
    values (${blobSha256}, ${input.mailFrom}, ${input.messageIdHeader}, ${input.storedMessageId ?? null}, ${input.now})
    returning id`;
  const id = (outbound as { id: number }).id;
  const domains = [...byDomain.keys()];
  const recipients = [...byDomain.values()].map((r) => JSON.stringify(r));
  await tx.$queryRaw`
    insert into "DeliveryJob" ("outboundMessageId", domain, recipients, "nextAttemptAt", "createdAt", "updatedAt")
    select ${id}, d, r::jsonb, ${input.now}, ${input.now}, now()
    from unnest(${domains}::text[], ${recipients}::text[]) as t(d, r)`;
  // A NOTIFY in a transaction is delivered at COMMIT: workers never wake for a job they cannot see.
  await tx.$queryRaw`select pg_notify(${OUTBOUND_CHANNEL}, '')::text`;
  return id;
}

export function recipientDomain(address: string): string {
  return address
    .slice(address.lastIndexOf("@") + 1)
    .toLowerCase()
    .replace(/\.$/, "");
}
