// Starting an import or an export: the source is checked (its format, or a
// clear reason why it is none) or the search run before the job exists, so a
// job that starts can run. The job and its audit event commit together.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { loadEnv } from "../env.ts";
import { InputError } from "../errors.ts";
import { conversationsMatching, countExportMessages } from "./export-selection.ts";
import { detectImportSource } from "./import-source.ts";
import { insertJobTx, type TransferJob, type TransferRunner } from "./transfer-jobs.ts";

export type ExportFormat = "mbox" | "eml-zip";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["mbox", "eml-zip"];

/** Where the browser's uploads and exports are kept: the data dir, beside the database. */
export async function transfersDir(): Promise<string> {
  const dir = path.join(loadEnv().dataDir, "transfers");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function startImport(input: {
  mailboxId: AuthorizedMailboxId;
  /** An mbox file, a zip of .eml files or a folder of them. */
  file: string;
  /** The name shown; the file's own by default. */
  fileName?: string;
  runner: TransferRunner;
  ownsFile?: boolean;
  actorId: number | null;
  ip?: string | null;
  claimFor?: string;
}): Promise<TransferJob> {
  const file = path.resolve(input.file);
  const source = await detectImportSource(file);
  return sqlTransaction((tx) =>
    insertJobTx(tx, {
      kind: "import",
      mailboxId: input.mailboxId,
      format: source.format,
      path: file,
      fileName: input.fileName ?? path.basename(file),
      runner: input.runner,
      ownsFile: input.ownsFile ?? false,
      source: { bytes: source.bytes, mtime: source.mtime },
      total: source.total,
      actorId: input.actorId,
      ip: input.ip,
      claimFor: input.claimFor,
    }),
  );
}

export async function startExport(input: {
  mailboxId: AuthorizedMailboxId;
  /** The file to write. */
  out: string;
  fileName?: string;
  format: ExportFormat;
  /** A search (the search box's syntax) whose conversations are exported; the whole mailbox when empty. */
  query?: string | null;
  runner: TransferRunner;
  ownsFile?: boolean;
  actorId: number | null;
  ip?: string | null;
  claimFor?: string;
}): Promise<TransferJob> {
  if (!EXPORT_FORMATS.includes(input.format)) {
    throw new InputError(`"${input.format}" is not an export format (mbox or eml-zip)`);
  }
  const out = path.resolve(input.out);
  const query = input.query?.trim() || null;
  const conversations =
    query === null
      ? null
      : await conversationsMatching({ mailboxId: input.mailboxId, query, userId: input.actorId ?? 0 });
  const total = await countExportMessages(input.mailboxId, conversations);
  return sqlTransaction(async (tx) => {
    const job = await insertJobTx(tx, {
      kind: "export",
      mailboxId: input.mailboxId,
      format: input.format,
      path: out,
      fileName: input.fileName ?? path.basename(out),
      runner: input.runner,
      ownsFile: input.ownsFile ?? false,
      query,
      total,
      actorId: input.actorId,
      ip: input.ip,
      claimFor: input.claimFor,
    });
    if (conversations?.length) {
      await tx.$queryRaw`
        insert into "TransferConversation" ("jobId", "conversationId")
        select ${job.id}::int, unnest(${conversations}::int[])`;
    }
    return job;
  });
}
