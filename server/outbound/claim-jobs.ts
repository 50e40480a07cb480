// Delivery workers on any number of machines share the queue through
// PostgreSQL: a claim takes due jobs with SELECT … FOR UPDATE SKIP LOCKED
// (so two workers never take the same row) and marks them with a lease. A
// worker that dies simply lets its lease run out and another takes the jobs.
// One claim takes jobs for one domain only, so that they can share a
// connection (what Postfix calls connection caching).
import { sql } from "../db/raw-sql.ts";
import type { RecipientStatus } from "./queue-types.ts";

export interface ClaimedJob {
  id: number;
  outboundMessageId: number;
  domain: string;
  /** A local recipient waiting for room in its mailbox (local-retry.ts), not an SMTP delivery. */
  local: boolean;
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
  // One round trip: lease the jobs and return them with their message.
  const rows = await sql.$queryRaw<(Omit<ClaimedJob, "raw"> & { bytes: Uint8Array })[]>`
    with first as (
      select domain, local from "DeliveryJob"
      where state in ('queued', 'deferred') and "nextAttemptAt" <= ${now}
        and ("leaseUntil" is null or "leaseUntil" < ${now})
        and (${domains}::text[] is null or domain = any(${domains}::text[]))
      order by "nextAttemptAt", id
      limit 1
      for update skip locked
    ), picked as (
      select j.id from "DeliveryJob" j, first
      where j.domain = first.domain and j.local = first.local and j.state in ('queued', 'deferred') and j."nextAttemptAt" <= ${now}
        and (j."leaseUntil" is null or j."leaseUntil" < ${now})
      order by j."nextAttemptAt", j.id
      limit ${limit}
      for update of j skip locked
    ), leased as (
      update "DeliveryJob" d
      set "leaseOwner" = ${owner}, "leaseUntil" = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
      from picked where d.id = picked.id
      returning d.id, d."outboundMessageId", d.domain, d.local, d.recipients, d.attempts, d."createdAt"
    )
    select l.id, l."outboundMessageId", l.domain, l.local, l.recipients, l.attempts, l."createdAt", o."mailFrom", b.bytes
    from leased l
    join "OutboundMessage" o on o.id = l."outboundMessageId"
    join "Blob" b on b.sha256 = o."blobSha256"
    order by l.id`;
  return rows.map(({ bytes, ...job }) => ({ ...job, raw: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes) }));
}

/**
 * Renews the lease of jobs this worker still holds (a heartbeat while it
 * works on them). Without it a transaction that outlived the lease — a slow
 * remote, a busy machine — let another worker claim the same job and send
 * it a second time (bench/chaos-outbound.ts). Jobs recorded, released or
 * taken over since are left alone.
 */
export async function renewLeases(ids: number[], owner: string, leaseSeconds: number, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql.$queryRaw`
    update "DeliveryJob" set "leaseUntil" = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
    where id = any(${ids}::int[]) and "leaseOwner" = ${owner} and state in ('queued', 'deferred')`;
}

/** Gives jobs back untried (e.g. the connection broke before their turn): no attempt is counted. */
export async function releaseJobs(ids: number[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await sql.$queryRaw`
    update "DeliveryJob" set "leaseOwner" = null, "leaseUntil" = null
    where id = any(${ids}::int[]) and "leaseOwner" = ${owner}`;
}
