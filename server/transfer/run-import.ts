// Runs an import job: reads the source from the job's position on and stores
// each message through the one write path (storeMessageTx, as SMTP delivery
// and IMAP APPEND do), so imported mail is threaded, searchable and counted
// against the quota, and a message the mailbox already has is skipped (same
// Message-ID and content hash). Messages go in batches; each batch commits
// with the job's new position and counters in ONE transaction, so a job taken
// up again after a crash reads on from the last committed message: nothing
// stored twice, nothing left out. The next batch is read and parsed while the
// one before commits.
//
// What is reported (TransferNote) rather than stored: a message over the size
// limit, an empty one, a zip entry that is unsafe, damaged or not .eml. A
// message that cannot be parsed is stored raw (as SMTP stores it) and
// reported. A message the write path throws on is tried alone and, if it
// fails alone while the database answers, reported and passed over — never
// retried forever. A full mailbox stops the job (failed, with where): raise
// the quota and resume it, and it goes on from that message.
import { stat, unlink } from "node:fs/promises";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { IMPORT_BATCH_BYTES, IMPORT_BATCH_MESSAGES, MAX_TRANSFER_NOTES } from "../limits.ts";
import { blobKey } from "../mail-store/store-blob.ts";
import { storeMessageTx } from "../mail-store/store-message.ts";
import { type ParsedMessage, parseMessage } from "../mime/parse-message.ts";
import { type ImportFormat, type ImportItem, importItems } from "./import-source.ts";
import { statusFlags } from "./status-flags.ts";
import { commitProgressTx, findJob, finishJob, LeaseLost, positionText, type TransferJob } from "./transfer-jobs.ts";

export interface RunOptions {
  /** The lease holder's name, as the job's leaseOwner says. */
  owner: string;
  /** Stop after the batch in progress (the job stays where it got to). */
  signal?: AbortSignal;
  onProgress?: (job: TransferJob) => void;
}

export type RunResult =
  | { state: "done" | "failed"; job: TransferJob }
  /** The signal stopped it; the caller gives the job back (releaseJob). */
  | { state: "stopped"; job: TransferJob }
  /** Cancelled, or taken over: it is not this runner's any more. */
  | { state: "lost"; job: TransferJob | null };

interface Counters {
  processed: number;
  imported: number;
  duplicates: number;
  unparsed: number;
  skipped: number;
}

interface Prepared {
  item: ImportItem;
  parsed: ParsedMessage | null;
  flags: string[];
}

class MailboxFull extends Error {
  constructor(readonly index: number) {
    super("mailbox full");
  }
}

export async function runImport(job: TransferJob, options: RunOptions): Promise<RunResult> {
  const { owner } = options;
  const fail = async (error: string): Promise<RunResult> => {
    const failed = await finishJob({ job, owner, state: "failed", error });
    await removeOwnedFile(failed);
    return { state: "failed", job: failed };
  };
  const changed = await sourceChanged(job);
  if (changed) return fail(changed);

  let counters: Counters = {
    processed: job.processed,
    imported: job.imported,
    duplicates: job.duplicates,
    unparsed: job.unparsed,
    skipped: job.skipped,
  };
  const [noted] = await sql.$queryRaw<{ count: number }[]>`
    select count(*)::int as count from "TransferNote" where "jobId" = ${job.id}::int`;
  let notesWritten = noted?.count ?? 0;
  let position = job.position;

  const report = async (tx: RawSql, item: ImportItem, number: number, reason: string, detail: string) => {
    if (notesWritten >= MAX_TRANSFER_NOTES) return;
    notesWritten++;
    await tx.$queryRaw`
      insert into "TransferNote" ("jobId", item, location, reason, detail)
      values (${job.id}::int, ${number}::int, ${item.location.slice(0, 1000)}, ${reason}, ${detail.slice(0, 1000)})`;
  };

  /** One transaction: the batch's messages, its notes, the job's new position and counters. */
  const commit = async (batch: Prepared[]) => {
    const last = batch.at(-1);
    if (!last) return;
    const before = notesWritten;
    try {
      const next = await sqlTransaction(async (tx) => {
        const c = { ...counters };
        for (const [index, { item, parsed, flags }] of batch.entries()) {
          c.processed++;
          if (item.raw === null || parsed === null) {
            if (item.problem) {
              c.skipped++;
              await report(tx, item, c.processed, item.problem.reason, item.problem.detail);
            }
            continue;
          }
          // Without a Message-ID the write path counts every copy as new mail (two alerts are two
          // events); a file imported twice is the same file, so the same bytes are skipped here.
          if (parsed.messageIdHeader === null && (await sameBytesStored(tx, job.mailboxId, item.raw))) {
            c.duplicates++;
            continue;
          }
          const [outcome] = await storeMessageTx(
            tx,
            {
              raw: item.raw,
              mailboxIds: [job.mailboxId],
              direction: "inbound",
              flags,
              internalDate: item.receivedAt ?? parsed.date ?? new Date(),
            },
            parsed,
          );
          if (outcome?.outcome === "stored") {
            c.imported++;
            if (parsed.parseError) {
              c.unparsed++;
              await report(tx, item, c.processed, "unparsed", `stored raw: ${parsed.parseError}`);
            }
          } else if (outcome?.outcome === "duplicate") c.duplicates++;
          else if (outcome?.outcome === "over_quota") throw new MailboxFull(index);
          else throw new InputError(`mailbox ${job.address} no longer exists`, "not_found");
        }
        await commitProgressTx(tx, job, owner, { position: last.item.next, ...c });
        return c;
      });
      counters = next;
      position = last.item.next;
    } catch (error) {
      notesWritten = before;
      throw error;
    }
    options.onProgress?.({ ...job, ...counters, position, state: "running" });
  };

  /** A batch that failed: each message alone, and one that fails alone while the database answers is reported. */
  const flush = async (batch: Prepared[]): Promise<void> => {
    try {
      await commit(batch);
    } catch (error) {
      if (error instanceof LeaseLost || error instanceof InputError) throw error;
      if (error instanceof MailboxFull) {
        await commit(batch.slice(0, error.index));
        throw new MailboxFull(0);
      }
      if (batch.length > 1) {
        for (const one of batch) await flush([one]);
        return;
      }
      await sql.$queryRaw`select 1`; // a database that is down throws here: the job is retried later
      const [one] = batch as [Prepared];
      const reason = (error as Error).message ?? String(error);
      await commit([
        {
          item: { ...one.item, raw: null, problem: { reason: "store_failed", detail: reason } },
          parsed: null,
          flags: [],
        },
      ]);
    }
  };

  const items = importItems({ format: job.format as ImportFormat, path: job.path }, job.position);
  let flushing: Promise<void> = Promise.resolve();
  try {
    let batch: Prepared[] = [];
    let batchBytes = 0;
    let stopped = false;
    for await (const item of items) {
      if (options.signal?.aborted) {
        stopped = true;
        break;
      }
      const parsed = item.raw ? await parseMessage(item.raw) : null;
      batch.push({ item, parsed, flags: item.raw ? statusFlags(item.raw) : [] });
      batchBytes += item.raw?.length ?? 0;
      if (batch.length >= IMPORT_BATCH_MESSAGES || batchBytes >= IMPORT_BATCH_BYTES) {
        await flushing;
        const full = batch;
        batch = [];
        batchBytes = 0;
        flushing = flush(full);
        // Awaited before the next batch or at the end; until then its failure is not unhandled.
        flushing.catch(() => {});
      }
    }
    await flushing;
    if (!stopped) await flush(batch);
    const current = { ...job, ...counters, position };
    if (stopped) return { state: "stopped", job: current };
    const done = await finishJob({ job, owner, state: "done" });
    await removeOwnedFile(done);
    return { state: "done", job: done };
  } catch (error) {
    // A batch may still be committing when reading failed: let it end first.
    await flushing.catch(() => {});
    if (error instanceof LeaseLost) {
      const now = await findJob(job.id);
      if (now?.state === "cancelled") await removeOwnedFile(now);
      return { state: "lost", job: now };
    }
    if (error instanceof MailboxFull) {
      return fail(
        `The mailbox ${job.address} is full: ${counters.imported} messages were imported before ${positionText({
          format: job.format,
          position,
        })}. Raise its quota and resume the import.`,
      );
    }
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
}

/** Why the source is not the one the job began with, or null. */
async function sourceChanged(job: TransferJob): Promise<string | null> {
  const info = await stat(job.path).catch(() => null);
  if (!info) return `${job.fileName} is no longer there.`;
  if (job.format === "eml-dir") return null;
  if (
    (job.sourceBytes !== null && info.size !== job.sourceBytes) ||
    (job.sourceMtime !== null && info.mtime.getTime() !== job.sourceMtime.getTime())
  ) {
    return `${job.fileName} changed since the import began: start a new import.`;
  }
  return null;
}

async function sameBytesStored(tx: RawSql, mailboxId: number, raw: Buffer): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    select id from "Message" where "blobSha256" = ${blobKey(raw)} and "mailboxId" = ${mailboxId}::int
      and "deletedAt" is null limit 1`;
  return rows.length > 0;
}

/** An uploaded file is Yubin's to remove once its import has ended. */
export async function removeOwnedFile(job: Pick<TransferJob, "kind" | "ownsFile" | "path" | "state">): Promise<void> {
  if (job.kind !== "import" || !job.ownsFile) return;
  if (job.state !== "done" && job.state !== "cancelled") return;
  await unlink(job.path).catch(() => {});
}
