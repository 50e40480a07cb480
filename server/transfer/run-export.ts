// Runs an export job: the mailbox's live messages (or those of the
// conversations its search found), oldest id first, each exactly as stored
// (the blob's bytes), written as mboxrd entries (mbox-writer.ts) or stored
// entries of a zip (zip-writer.ts). Messages are read a page at a time, so the
// mailbox never sits in memory. After each page the file is synced and then
// the job records its length and the last message id: a job taken up again
// cuts the file back to that length and goes on after that message, so the
// file has every message once.
import { type FileHandle, open } from "node:fs/promises";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { MAX_TRANSFER_NOTES } from "../limits.ts";
import { BLOB_SLICE_OCTETS, readBlobChunks, readBlobs } from "../mail-store/read-blob.ts";
import { mboxEntry } from "./mbox-writer.ts";
import type { RunOptions, RunResult } from "./run-import.ts";
import { commitProgressTx, findJob, finishJob, LeaseLost, type TransferJob } from "./transfer-jobs.ts";
import { ZipWriter } from "./zip-writer.ts";

/** Messages read per page, and the most bytes of small messages fetched in one round trip. */
const PAGE_MESSAGES = 200;
const PAGE_BYTES = 8 * 1024 * 1024;

interface Row {
  id: number;
  blobSha256: string;
  size: number;
  internalDate: Date;
  fromAddress: string;
}

interface Output {
  readonly length: number;
  add(row: Row, raw: Buffer): Promise<void>;
  sync(): Promise<void>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

async function mboxOutput(path: string, length: number): Promise<Output> {
  const file: FileHandle = await open(path, length > 0 ? "r+" : "w");
  await file.truncate(length);
  let at = length;
  return {
    get length() {
      return at;
    },
    async add(row, raw) {
      const pieces = mboxEntry({ raw, sender: row.fromAddress, date: row.internalDate });
      for (let i = 0; i < pieces.length; i += 512) {
        const slice = pieces.slice(i, i + 512);
        await file.writev(slice, at);
        at += slice.reduce((n, b) => n + b.length, 0);
      }
    },
    sync: () => file.sync(),
    async finish() {
      await file.sync();
      await file.close();
    },
    close: () => file.close(),
  };
}

async function zipOutput(path: string, length: number): Promise<Output> {
  const zip = await ZipWriter.open(path, length);
  return {
    get length() {
      return zip.length;
    },
    add: (row, raw) => zip.add(`${String(row.id).padStart(8, "0")}.eml`, raw, row.internalDate),
    sync: () => zip.sync(),
    async finish() {
      await zip.finish();
    },
    close: () => zip.close(),
  };
}

export async function runExport(job: TransferJob, options: RunOptions): Promise<RunResult> {
  const { owner } = options;
  const output =
    job.format === "eml-zip" ? await zipOutput(job.path, job.position) : await mboxOutput(job.path, job.position);
  let closed = false;
  let cursor = job.cursor;
  let processed = job.processed;
  let skipped = job.skipped;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        await output.close();
        closed = true;
        return { state: "stopped", job: { ...job, cursor, processed, position: output.length } };
      }
      const rows = await sql.$queryRaw<Row[]>`
        select m.id, m."blobSha256", m.size, m."internalDate", m."fromAddress" from "Message" m
        where m."mailboxId" = ${job.mailboxId}::int and m."deletedAt" is null and m.id > ${cursor}::int
          and (${job.query}::text is null or exists (select 1 from "TransferConversation" t
            where t."jobId" = ${job.id}::int and t."conversationId" = m."conversationId"))
        order by m.id limit ${PAGE_MESSAGES}::int`;
      if (rows.length === 0) break;
      const missing: Row[] = [];
      for (const group of pageGroups(rows)) {
        const blobs =
          group.length === 1 && (group[0] as Row).size > BLOB_SLICE_OCTETS
            ? [await wholeBlob((group[0] as Row).blobSha256)]
            : await readBlobs(group.map((r) => r.blobSha256));
        for (const [i, row] of group.entries()) {
          const raw = blobs[i];
          if (raw) await output.add(row, raw);
          else missing.push(row);
        }
      }
      await output.sync();
      const last = rows.at(-1) as Row;
      processed += rows.length - missing.length;
      skipped += missing.length;
      const total = Math.max(job.total ?? 0, processed);
      await sqlTransaction(async (tx) => {
        const [noted] = await tx.$queryRaw<{ count: number }[]>`
          select count(*)::int as count from "TransferNote" where "jobId" = ${job.id}::int`;
        for (const row of missing.slice(0, Math.max(0, MAX_TRANSFER_NOTES - (noted?.count ?? 0)))) {
          await tx.$queryRaw`
            insert into "TransferNote" ("jobId", item, location, reason, detail)
            values (${job.id}::int, ${row.id}::int, ${`message ${row.id}`}, 'unreadable', 'its stored bytes are missing')`;
        }
        await commitProgressTx(tx, job, owner, {
          position: output.length,
          cursor: last.id,
          processed,
          skipped,
          total,
        });
      });
      cursor = last.id;
      options.onProgress?.({ ...job, cursor, processed, skipped, total, position: output.length, state: "running" });
    }
    await output.finish();
    closed = true;
    const done = await finishJob({ job, owner, state: "done" });
    return { state: "done", job: done };
  } catch (error) {
    if (!closed) await output.close().catch(() => {});
    if (error instanceof LeaseLost) return { state: "lost", job: await findJob(job.id) };
    throw error;
  }
}

/** The page in round trips: small messages together up to PAGE_BYTES, a large one alone (read in slices). */
function pageGroups(rows: Row[]): Row[][] {
  const groups: Row[][] = [];
  let group: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (row.size > BLOB_SLICE_OCTETS) {
      if (group.length) groups.push(group);
      groups.push([row]);
      group = [];
      bytes = 0;
      continue;
    }
    if (group.length > 0 && bytes + row.size > PAGE_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(row);
    bytes += row.size;
  }
  if (group.length) groups.push(group);
  return groups;
}

async function wholeBlob(sha256: string): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of readBlobChunks(sha256)) chunks.push(chunk);
  } catch {
    return null;
  }
  return Buffer.concat(chunks);
}
