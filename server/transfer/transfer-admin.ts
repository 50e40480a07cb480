// What an admin does with imports and exports besides starting them: list
// them with their progress, read what a job reported, cancel one, resume one
// that failed or was cancelled, and remove one (with the file Yubin keeps for
// it). Each change is audited.
import { unlink } from "node:fs/promises";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { NO_SUCH_JOB, type TransferJob, toJob, transferHost } from "./transfer-jobs.ts";

export interface TransferNoteRow {
  item: number;
  location: string;
  reason: string;
  detail: string;
}

export const NOT_CANCELLABLE = "Only an import or export that is waiting or running can be cancelled.";
export const NOT_RESUMABLE = "Only an import or export that failed or was cancelled can be resumed.";
export const STARTED_ON_CLI = "This job was started on the command line: run the same command again to resume it.";
export const UPLOAD_GONE = "The uploaded file of a cancelled import is gone: upload it again.";
export const CANCEL_FIRST = "Cancel the import or export before removing it.";

/** Jobs listed per page: the newest. */
const LISTED_JOBS = 50;

type Row = Parameters<typeof toJob>[0];

export async function listTransfers(input: { mailboxIds?: readonly number[] } = {}): Promise<TransferJob[]> {
  const rows = await sql.$queryRaw<Row[]>`
    select j.*, m.address from "TransferJob" j join "Mailbox" m on m.id = j."mailboxId"
    where ${input.mailboxIds === undefined} or j."mailboxId" = any(${input.mailboxIds ?? []}::int[])
    order by j.id desc limit ${LISTED_JOBS}::int`;
  return rows.map(toJob);
}

export async function transferNotes(jobId: number): Promise<TransferNoteRow[]> {
  return sql.$queryRaw<TransferNoteRow[]>`
    select item, location, reason, detail from "TransferNote" where "jobId" = ${jobId}::int order by id`;
}

async function lockJob(tx: RawSql, jobId: number): Promise<TransferJob> {
  const [row] = await tx.$queryRaw<Row[]>`
    select j.*, m.address from "TransferJob" j join "Mailbox" m on m.id = j."mailboxId"
    where j.id = ${jobId}::int for update of j`;
  if (!row) throw new InputError(NO_SUCH_JOB, "not_found");
  return toJob(row);
}

async function audit(tx: RawSql, job: TransferJob, action: string, actorId: number | null, ip?: string | null) {
  await tx.$queryRaw`
    insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
    values (${actorId}::int, ${action}, 'mailbox', ${String(job.mailboxId)},
      ${JSON.stringify({ jobId: job.id, kind: job.kind, state: job.state })}::jsonb,
      ${JSON.stringify({ jobId: job.id, file: job.fileName })}::jsonb, ${ip ?? null}::text)`;
}

/** Stops a queued or running job; its runner stops at its next commit. An upload is removed. */
export async function cancelTransfer(input: { jobId: number; actorId: number | null; ip?: string | null }) {
  const job = await sqlTransaction(async (tx) => {
    const job = await lockJob(tx, input.jobId);
    if (job.state !== "queued" && job.state !== "running") {
      throw new InputError(NOT_CANCELLABLE, "conflict");
    }
    await tx.$queryRaw`
      update "TransferJob" set state = 'cancelled', "leaseOwner" = null, "leaseUntil" = null,
        "finishedAt" = now(), "updatedAt" = now() where id = ${job.id}::int`;
    await audit(tx, job, "mailbox.transfer_cancel", input.actorId, input.ip);
    return job;
  });
  // A running import's runner removes its upload once it has stopped (run-import.ts).
  if (job.state === "queued" && job.kind === "import" && job.ownsFile) await unlink(job.path).catch(() => {});
}

/** Queues a failed or cancelled job again; it goes on from where it stopped. */
export async function resumeTransfer(input: { jobId: number; actorId: number | null; ip?: string | null }) {
  await sqlTransaction(async (tx) => {
    const job = await lockJob(tx, input.jobId);
    if (job.state !== "failed" && job.state !== "cancelled") {
      throw new InputError(NOT_RESUMABLE, "conflict");
    }
    if (job.runner !== "worker") {
      throw new InputError(STARTED_ON_CLI);
    }
    if (job.kind === "import" && job.ownsFile && job.state === "cancelled") {
      throw new InputError(UPLOAD_GONE, "conflict");
    }
    await tx.$queryRaw`
      update "TransferJob" set state = 'queued', error = null, "finishedAt" = null, stalls = 0, "updatedAt" = now()
      where id = ${job.id}::int`;
    await audit(tx, job, "mailbox.transfer_resume", input.actorId, input.ip);
  });
}

/** Removes a job that is not running, with the file Yubin keeps for it (an upload, a browser export). */
export async function removeTransfer(input: { jobId: number; actorId: number | null; ip?: string | null }) {
  const job = await sqlTransaction(async (tx) => {
    const job = await lockJob(tx, input.jobId);
    if (job.state === "running" || job.state === "queued") {
      throw new InputError(CANCEL_FIRST, "conflict");
    }
    await tx.$queryRaw`delete from "TransferJob" where id = ${job.id}::int`;
    await audit(tx, job, "mailbox.transfer_remove", input.actorId, input.ip);
    return job;
  });
  if (job.ownsFile && job.host === transferHost()) await unlink(job.path).catch(() => {});
}

/** A finished browser export's file, for its download. */
export async function exportFile(jobId: number): Promise<{ path: string; fileName: string; format: string } | null> {
  const [row] = await sql.$queryRaw<{ path: string; fileName: string; format: string }[]>`
    select path, "fileName", format from "TransferJob"
    where id = ${jobId}::int and kind = 'export' and state = 'done' and "ownsFile" and host = ${transferHost()}`;
  return row ?? null;
}
