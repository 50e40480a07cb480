// Delivery workers on any number of machines share the queue through
// PostgreSQL: a claim takes due jobs with SELECT … FOR UPDATE SKIP LOCKED
// (so two workers never take the same row) and marks them with a lease. A
// worker that dies simply lets its lease run out and another takes the jobs.
// One claim takes jobs for one domain only, so that they can share a
// connection (what Postfix calls connection caching).
import { db } from "../db.ts";
import type { RecipientStatus } from "./queue-types.ts";

export interface ClaimedJob {
  id: number;
  outboundMessageId: number;
  domain: string;
  recipients: RecipientStatus[];
  attempts: number;
  createdAt: Date;
  mailFrom: string;
  raw: Buffer;
}

export async function claimJobs(input: {
  owner: string;
  limit: number;
  leaseSeconds: number;
  now: Date;
  /** Only jobs for these domains (tests); all when omitted. */
  domains?: string[];
}): Promise<ClaimedJob[]> {
  const { owner, limit, leaseSeconds, now } = input;
  const domains = input.domains ?? null;
  const rows = await db().$queryRaw<{ id: number }[]>`
    with first as (
      select domain from "DeliveryJob"
      where state in ('queued', 'deferred') and "nextAttemptAt" <= ${now}
        and ("leaseUntil" is null or "leaseUntil" < ${now})
        and (${domains}::text[] is null or domain = any(${domains}::text[]))
      order by "nextAttemptAt", id
      limit 1
      for update skip locked
    ), picked as (
      select j.id from "DeliveryJob" j, first
      where j.domain = first.domain and j.state in ('queued', 'deferred') and j."nextAttemptAt" <= ${now}
        and (j."leaseUntil" is null or j."leaseUntil" < ${now})
      order by j."nextAttemptAt", j.id
      limit ${limit}
      for update of j skip locked
    )
    update "DeliveryJob" d
    set "leaseOwner" = ${owner}, "leaseUntil" = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
    from picked where d.id = picked.id
    returning d.id`;
  if (rows.length === 0) return [];
  const jobs = await db().deliveryJob.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    orderBy: { id: "asc" },
    include: { outboundMessage: { select: { mailFrom: true, blob: { select: { bytes: true } } } } },
  });
  return jobs.map((job) => ({
    id: job.id,
    outboundMessageId: job.outboundMessageId,
    domain: job.domain,
    recipients: job.recipients as unknown as RecipientStatus[],
    attempts: job.attempts,
    createdAt: job.createdAt,
    mailFrom: job.outboundMessage.mailFrom,
    raw: Buffer.from(job.outboundMessage.blob.bytes),
  }));
}

/** Gives jobs back untried (e.g. the connection broke before their turn): no attempt is counted. */
export async function releaseJobs(ids: number[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await db().deliveryJob.updateMany({
    where: { id: { in: ids }, leaseOwner: owner },
    data: { leaseOwner: null, leaseUntil: null },
  });
}
