// The TransferJob rows: an import or export, who runs it, and how far it got.
// A job is run by one holder of its lease at a time: a Yubin process on the
// job's host (runner "worker": jobs started in the browser), or the `yubin
// import|export` command that started it (runner "cli", taken up again by
// running the same command). The runner commits its progress with
// commitProgressTx in the same transaction as the work it records; a holder
// that lost the lease (the job was cancelled, or taken over after the lease
// ran out) finds out there and stops, so two runners never both write.
import { hostname } from "node:os";
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAX_TRANSFER_STALLS, TRANSFER_LEASE_MS } from "../limits.ts";

export type TransferKind = "import" | "export";
export type TransferState = "queued" | "running" | "done" | "failed" | "cancelled";
export type TransferRunner = "worker" | "cli";

export interface TransferJob {
  id: number;
  kind: TransferKind;
  state: TransferState;
  mailboxId: number;
  address: string;
  actorId: number | null;
  format: string;
  path: string;
  fileName: string;
  host: string;
  runner: TransferRunner;
  ownsFile: boolean;
  query: string | null;
  sourceBytes: number | null;
  sourceMtime: Date | null;
  total: number | null;
  position: number;
  cursor: number;
  processed: number;
  imported: number;
  duplicates: number;
  unparsed: number;
  skipped: number;
  error: string | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  stalls: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** The job is no longer this runner's: cancelled, or taken over after its lease ran out. */
export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`transfer job ${jobId} is no longer held by this runner`);
  }
}

export const NO_SUCH_JOB = "No such import or export.";

/** This machine, as jobs name where their files are. */
export function transferHost(): string {
  return hostname();
}

type Row = Omit<TransferJob, "sourceBytes" | "total" | "position"> & {
  sourceBytes: bigint | null;
  total: bigint | null;
  position: bigint;
};

export function toJob(row: Row): TransferJob {
  return {
    ...row,
    sourceBytes: row.sourceBytes === null ? null : Number(row.sourceBytes),
    total: row.total === null ? null : Number(row.total),
    position: Number(row.position),
  };
}

const leaseEnd = (now: Date) => new Date(now.getTime() + TRANSFER_LEASE_MS);

export interface NewJob {
  kind: TransferKind;
  mailboxId: AuthorizedMailboxId;
  format: string;
  path: string;
  fileName: string;
  runner: TransferRunner;
  ownsFile: boolean;
  query?: string | null;
  source?: { bytes: number; mtime: Date } | null;
  total: number;
  actorId: number | null;
  ip?: string | null;
  /** Start it held by this runner (the command line runs its job at once). */
  claimFor?: string;
  now?: Date;
}

/** Inserts the job and its `mailbox.import_start` / `mailbox.export_start` audit event in `tx`. */
export async function insertJobTx(tx: RawSql, input: NewJob): Promise<TransferJob> {
  const now = input.now ?? new Date();
  const running = input.claimFor !== undefined;
  const [row] = await tx.$queryRaw<Row[]>`
    with job as (
      insert into "TransferJob" (kind, state, "mailboxId", "actorId", format, path, "fileName", host, runner,
        "ownsFile", query, "sourceBytes", "sourceMtime", total, "leaseOwner", "leaseUntil", "startedAt", "claimedAt")
      values (${input.kind}::"TransferKind", ${running ? "running" : "queued"}::"TransferState", ${input.mailboxId}::int,
        ${input.actorId}::int, ${input.format}, ${input.path}, ${input.fileName}, ${transferHost()}, ${input.runner},
        ${input.ownsFile}, ${input.query ?? null}::text, ${input.source?.bytes ?? null}::bigint,
        ${input.source?.mtime ?? null}::timestamptz, ${input.total}::bigint, ${input.claimFor ?? null}::text,
        ${running ? leaseEnd(now) : null}::timestamptz, ${running ? now : null}::timestamptz,
        ${running ? 0 : null}::bigint)
      returning *
    ), audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", after, ip)
      select ${input.actorId}::int, ${`mailbox.${input.kind}_start`}, 'mailbox', ${String(input.mailboxId)},
        json_build_object('jobId', job.id, 'file', job."fileName", 'format', job.format, 'query', job.query)::jsonb,
        ${input.ip ?? null}::text
      from job
    )
    select job.*, m.address from job join "Mailbox" m on m.id = job."mailboxId"`;
  if (!row) throw new Error("transfer job was not created");
  return toJob(row);
}

export async function findJob(jobId: number): Promise<TransferJob | null> {
  const [row] = await sql.$queryRaw<Row[]>`
    select j.*, m.address from "TransferJob" j join "Mailbox" m on m.id = j."mailboxId" where j.id = ${jobId}::int`;
  return row ? toJob(row) : null;
}

/**
 * Takes the oldest job a worker on this host may run: queued, or running
 * under a lease that ran out (its process died). A job taken up this way
 * without having moved since the last time counts a stall; after
 * MAX_TRANSFER_STALLS it fails instead (one item that kills its process
 * every time must not be retried forever).
 */
export async function claimNextJob(input: { owner: string; now?: Date }): Promise<TransferJob | null> {
  const now = input.now ?? new Date();
  for (;;) {
    const [row] = await sql.$queryRaw<Row[]>`
      with next as (
        select id from "TransferJob"
        where host = ${transferHost()} and runner = 'worker'
          and (state = 'queued' or (state = 'running' and "leaseUntil" < ${now}::timestamptz))
        order by id limit 1 for update skip locked
      )
      update "TransferJob" j set state = 'running', "leaseOwner" = ${input.owner},
        "leaseUntil" = ${leaseEnd(now)}::timestamptz, "startedAt" = coalesce(j."startedAt", ${now}::timestamptz),
        stalls = case when j.state = 'running' and j."claimedAt" = j.position then j.stalls + 1 else 0 end,
        "claimedAt" = j.position, "updatedAt" = ${now}::timestamptz
      from next where j.id = next.id
      returning j.*, (select address from "Mailbox" where id = j."mailboxId")`;
    if (!row) return null;
    const job = toJob(row);
    if (job.stalls < MAX_TRANSFER_STALLS) return job;
    await finishJob({
      job,
      owner: input.owner,
      state: "failed",
      error: `Stopped: the job stopped its process ${job.stalls + 1} times at the same place (${
        job.kind === "import" ? positionText(job) : `message ${job.processed + 1}`
      }).`,
    });
  }
}

/** Where an import stands, in words for its error messages. */
export function positionText(job: Pick<TransferJob, "format" | "position">): string {
  return job.format === "mbox" ? `byte ${job.position}` : `entry ${job.position + 1}`;
}

/**
 * Takes up a job the command line started, to go on with it: one not done,
 * not held by a live runner (`holderAlive` tells whether the process named by
 * a lease is still there; a lease past its time counts as dead).
 */
export async function claimJob(input: {
  jobId: number;
  owner: string;
  holderAlive: (owner: string) => boolean;
  now?: Date;
}): Promise<TransferJob | null> {
  const now = input.now ?? new Date();
  return sqlTransaction(async (tx) => {
    const [current] = await tx.$queryRaw<Row[]>`
      select j.*, '' as address from "TransferJob" j where id = ${input.jobId}::int for update`;
    if (!current || current.state === "done") return null;
    const leased =
      current.state === "running" &&
      current.leaseOwner !== null &&
      current.leaseUntil !== null &&
      current.leaseUntil > now &&
      input.holderAlive(current.leaseOwner);
    if (leased) return null;
    const [row] = await tx.$queryRaw<Row[]>`
      update "TransferJob" j set state = 'running', "leaseOwner" = ${input.owner}, error = null,
        "leaseUntil" = ${leaseEnd(now)}::timestamptz, "startedAt" = coalesce(j."startedAt", ${now}::timestamptz),
        "finishedAt" = null, "claimedAt" = j.position, "updatedAt" = ${now}::timestamptz
      where id = ${input.jobId}::int
      returning j.*, (select address from "Mailbox" where id = j."mailboxId")`;
    return row ? toJob(row) : null;
  });
}

/** Extends the lease; false when the job is no longer this runner's. */
export async function renewLease(jobId: number, owner: string, now = new Date()): Promise<boolean> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    update "TransferJob" set "leaseUntil" = ${leaseEnd(now)}::timestamptz
    where id = ${jobId}::int and "leaseOwner" = ${owner} and state = 'running' returning id`;
  return rows.length > 0;
}

export interface Progress {
  position: number;
  cursor?: number;
  processed: number;
  imported?: number;
  duplicates?: number;
  unparsed?: number;
  skipped?: number;
  total?: number | null;
}

/** Records progress (absolute counters) in the caller's transaction, which also holds the work; throws LeaseLost. */
export async function commitProgressTx(
  tx: RawSql,
  job: Pick<TransferJob, "id">,
  owner: string,
  progress: Progress,
  now = new Date(),
): Promise<void> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    update "TransferJob" set position = ${progress.position}::bigint, cursor = coalesce(${progress.cursor ?? null}::int, cursor),
      processed = ${progress.processed}::int, imported = coalesce(${progress.imported ?? null}::int, imported),
      duplicates = coalesce(${progress.duplicates ?? null}::int, duplicates),
      unparsed = coalesce(${progress.unparsed ?? null}::int, unparsed),
      skipped = coalesce(${progress.skipped ?? null}::int, skipped),
      total = coalesce(${progress.total ?? null}::bigint, total),
      "leaseUntil" = ${leaseEnd(now)}::timestamptz, "updatedAt" = ${now}::timestamptz
    where id = ${job.id}::int and "leaseOwner" = ${owner} and state = 'running'
    returning id`;
  if (rows.length === 0) throw new LeaseLost(job.id);
}

/** Ends a job the runner holds: done, or failed with the reason, audited as `mailbox.<kind>_finish`. */
export async function finishJob(input: {
  job: Pick<TransferJob, "id" | "kind" | "mailboxId">;
  owner: string;
  state: "done" | "failed";
  error?: string | null;
  now?: Date;
}): Promise<TransferJob> {
  const now = input.now ?? new Date();
  const [row] = await sql.$queryRaw<Row[]>`
    with job as (
      update "TransferJob" set state = ${input.state}::"TransferState", error = ${input.error ?? null}::text,
        "finishedAt" = ${now}::timestamptz, "leaseOwner" = null, "leaseUntil" = null, "updatedAt" = ${now}::timestamptz
      where id = ${input.job.id}::int and "leaseOwner" = ${input.owner} and state = 'running'
      returning *
    ), audit as (
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", after)
      select job."actorId", ${`mailbox.${input.job.kind}_finish`}, 'mailbox', ${String(input.job.mailboxId)},
        json_build_object('jobId', job.id, 'state', job.state, 'error', job.error, 'processed', job.processed,
          'imported', job.imported, 'duplicates', job.duplicates, 'unparsed', job.unparsed, 'skipped', job.skipped)::jsonb
      from job
    )
    select job.*, m.address from job join "Mailbox" m on m.id = job."mailboxId"`;
  if (!row) throw new LeaseLost(input.job.id);
  return toJob(row);
}

/** Gives a job back: queued for another worker (this process is stopping), or cancelled (Ctrl-C at the command line). */
export async function releaseJob(input: { jobId: number; owner: string; to: "queued" | "cancelled" }): Promise<void> {
  await sql.$queryRaw`
    update "TransferJob" set state = ${input.to}::"TransferState", "leaseOwner" = null, "leaseUntil" = null,
      "updatedAt" = now(), "finishedAt" = case when ${input.to} = 'cancelled' then now() else "finishedAt" end
    where id = ${input.jobId}::int and "leaseOwner" = ${input.owner} and state = 'running'`;
}

/** An unfinished command-line job over the same file (same size and time, for an import) into or out of the same mailbox: the one to go on with. */
export async function findResumable(input: {
  kind: TransferKind;
  mailboxId: number;
  path: string;
  sourceBytes?: number | null;
  sourceMtime?: Date | null;
}): Promise<TransferJob | null> {
  const [row] = await sql.$queryRaw<Row[]>`
    select j.*, m.address from "TransferJob" j join "Mailbox" m on m.id = j."mailboxId"
    where j.kind = ${input.kind}::"TransferKind" and j."mailboxId" = ${input.mailboxId}::int and j.path = ${input.path}
      and j.host = ${transferHost()} and j.runner = 'cli' and j.state <> 'done'
      and (${input.sourceBytes ?? null}::bigint is null or j."sourceBytes" = ${input.sourceBytes ?? null}::bigint)
      and (${input.sourceMtime ?? null}::timestamptz is null or j."sourceMtime" = ${input.sourceMtime ?? null}::timestamptz)
    order by j.id desc limit 1`;
  return row ? toJob(row) : null;
}

/** The error for a job id that is not there. */
export function noSuchJob(): InputError {
  return new InputError(NO_SUCH_JOB, "not_found");
}

/** How far the job got, 0–100: bytes of an mbox, entries of a zip or folder, messages of an export. */
export function jobPercent(job: Pick<TransferJob, "state" | "kind" | "total" | "processed" | "position">): number {
  if (job.state === "done") return 100;
  const total = job.total ?? 0;
  const done = job.kind === "export" ? job.processed : job.position;
  return total > 0 ? Math.min(99, Math.floor((done / total) * 100)) : 0;
}
