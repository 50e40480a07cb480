// What `yubin queue` and the admin's Queue page show and do: list jobs (the
// waiting ones unless asked otherwise, filtered by state, destination domain
// and age), a summary per destination domain, retry one now, or drop one.
// Retry and drop are audited, from either door.
import { recordAudit } from "../audit/record-audit.ts";
import { sql } from "../db/raw-sql.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { likeContains } from "../search/like-pattern.ts";
import type { RecipientStatus } from "./queue-types.ts";

export const QUEUE_STATES = ["queued", "deferred", "delivered", "bounced", "expired"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
/** "waiting": queued or deferred, the jobs a worker will still try. */
export type QueueStateFilter = QueueState | "waiting" | "all";

const WAITING: QueueState[] = ["queued", "deferred"];
/** Rows per page of the list (the CLI lists up to QUEUE_CLI_LIMIT). */
export const QUEUE_PAGE_SIZE = 100;
const QUEUE_CLI_LIMIT = 1000;
/** Destination domains in the summary, the busiest first. */
export const QUEUE_SUMMARY_DOMAINS = 100;

export interface QueueEntry {
  id: number;
  outboundMessageId: number;
  mailFrom: string;
  /** The subject of the sender's stored copy, when there is one. */
  subject: string | null;
  /** The message's Message-ID (without <>), which finds its trace, when it has one. */
  messageIdHeader: string | null;
  domain: string;
  state: string;
  attempts: number;
  recipients: RecipientStatus[];
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastReply: string | null;
  createdAt: Date;
}

export interface QueueFilter {
  /** Default "waiting". */
  state?: QueueStateFilter;
  /** Part of the destination domain, case-insensitive; wildcards are taken literally. */
  domain?: string;
  /** Only jobs queued before this instant (older than an age). */
  queuedBefore?: Date;
}

function statesOf(filter: QueueStateFilter | undefined): QueueState[] {
  if (filter === undefined || filter === "waiting") return WAITING;
  if (filter === "all") return [...QUEUE_STATES];
  return [filter];
}

/** Jobs oldest first; `afterId` continues a page. `all` (the CLI's --all) is state "all". */
export async function listQueue(
  options: { all?: boolean; limit?: number; filter?: QueueFilter; afterId?: number } = {},
): Promise<QueueEntry[]> {
  const filter = options.filter ?? {};
  const states = statesOf(options.all ? "all" : filter.state);
  const domain = filter.domain?.trim().toLowerCase() || null;
  const rows = await sql.$queryRaw<(Omit<QueueEntry, "recipients"> & { recipients: unknown })[]>`
    select j.id, j."outboundMessageId", o."mailFrom", m.subject, o."messageIdHeader", j.domain, j.state::text as state, j.attempts,
      j.recipients, j."nextAttemptAt", j."lastAttemptAt", j."lastReply", j."createdAt"
    from "DeliveryJob" j
    join "OutboundMessage" o on o.id = j."outboundMessageId"
    left join "Message" m on m.id = o."storedMessageId"
    where j.state::text = any(${states}::text[])
      and (${domain}::text is null or j.domain like ${domain === null ? null : likeContains(domain)}::text)
      and (${filter.queuedBefore ?? null}::timestamptz is null or j."createdAt" < ${filter.queuedBefore ?? null}::timestamptz)
      and j.id > ${options.afterId ?? 0}::int
    order by j.id
    limit ${options.limit ?? QUEUE_CLI_LIMIT}::int`;
  return rows.map((r) => ({ ...r, recipients: r.recipients as RecipientStatus[] }));
}

export interface DomainSummary {
  domain: string;
  jobs: number;
  oldest: Date;
  lastAttemptAt: Date | null;
  lastReply: string | null;
  nextAttemptAt: Date;
}

export interface QueueSummary {
  /** Waiting jobs in all. */
  jobs: number;
  /** When the oldest waiting job was queued, or null when none waits. */
  oldest: Date | null;
  /** The busiest destination domains (at most QUEUE_SUMMARY_DOMAINS). */
  domains: DomainSummary[];
}

/** How many jobs wait, and since when the oldest one does. */
export async function queueTotals(): Promise<{ jobs: number; oldest: Date | null }> {
  const [totals] = await sql.$queryRaw<{ jobs: number; oldest: Date | null }[]>`
    select count(*)::int as jobs, min("createdAt") as oldest
    from "DeliveryJob" where state in ('queued', 'deferred')`;
  return { jobs: totals?.jobs ?? 0, oldest: totals?.oldest ?? null };
}

/** The waiting jobs per destination domain: how many, the oldest, the last reply heard. */
export async function queueSummary(): Promise<QueueSummary> {
  const [totals, domains] = await Promise.all([
    queueTotals(),
    sql.$queryRaw<DomainSummary[]>`
      select domain, count(*)::int as jobs, min("createdAt") as oldest, max("lastAttemptAt") as "lastAttemptAt",
        (array_agg("lastReply" order by "lastAttemptAt" desc nulls last))[1] as "lastReply",
        min("nextAttemptAt") as "nextAttemptAt"
      from "DeliveryJob" where state in ('queued', 'deferred')
      group by domain
      order by count(*) desc, domain
      limit ${QUEUE_SUMMARY_DOMAINS}::int`,
  ]);
  return { ...totals, domains };
}

export interface QueueActor {
  /** Null for the CLI. */
  actorId: number | null;
  ip?: string | null;
}

const CLI: QueueActor = { actorId: null };

function snapshot(job: {
  state: string;
  domain: string;
  attempts: number;
  recipients: unknown;
  nextAttemptAt: Date;
  lastReply: string | null;
  outboundMessageId: number;
}) {
  return {
    state: job.state,
    domain: job.domain,
    attempts: job.attempts,
    recipients: (job.recipients as RecipientStatus[]).map((r) => ({ address: r.address, state: r.state })),
    nextAttemptAt: job.nextAttemptAt.toISOString(),
    lastReply: job.lastReply,
    outboundMessageId: job.outboundMessageId,
  };
}

/** Makes a waiting job due now (a worker's lease, if any, is left alone). */
export async function retryJob(id: number, actor: QueueActor = CLI): Promise<void> {
  await db().$transaction(async (tx) => {
    const job = await tx.deliveryJob.findFirst({ where: { id, state: { in: WAITING } } });
    const now = new Date();
    const updated = job
      ? await tx.deliveryJob.updateMany({ where: { id, state: { in: WAITING } }, data: { nextAttemptAt: now } })
      : { count: 0 };
    if (!job || updated.count === 0) throw new InputError(`no queued job ${id}`, "not_found");
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "queue.retry",
        subjectType: "delivery_job",
        subjectId: id,
        before: snapshot(job),
        after: { nextAttemptAt: now.toISOString() },
        ip: actor.ip ?? null,
      },
      tx,
    );
  });
  await db().$executeRaw`select pg_notify('yubin_outbound', '')`;
}

/** Removes a job without delivering it or telling the sender. */
export async function dropJob(id: number, actor: QueueActor = CLI): Promise<void> {
  await db().$transaction(async (tx) => {
    const job = await tx.deliveryJob.findUnique({ where: { id }, include: { outboundMessage: true } });
    const deleted = job ? await tx.deliveryJob.deleteMany({ where: { id } }) : { count: 0 };
    if (!job || deleted.count === 0) throw new InputError(`no job ${id}`, "not_found");
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "queue.drop",
        subjectType: "delivery_job",
        subjectId: id,
        before: { ...snapshot(job), mailFrom: job.outboundMessage.mailFrom },
        ip: actor.ip ?? null,
      },
      tx,
    );
  });
}
