// yubin import ADDRESS FILE
// Imports an mbox file, a zip of .eml files or a folder of them into the
// mailbox, in this process, with a progress line on stderr and the report on
// stdout. The same command run again after an interruption (Ctrl-C, a crash,
// a full mailbox) goes on from the last committed message.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { operatorMailbox } from "../../server/access/gate.ts";
import { InputError } from "../../server/errors.ts";
import { normalizeAddress } from "../../server/mailboxes/address.ts";
import { detectImportSource } from "../../server/transfer/import-source.ts";
import { startImport } from "../../server/transfer/start-transfer.ts";
import { claimJob, findResumable, positionText, transferHost } from "../../server/transfer/transfer-jobs.ts";
import { parseCommand } from "../parse.ts";
import { leaseHolderAlive } from "../transfer-progress.ts";
import { runCliTransfer } from "../transfer-run.ts";
import { withDatabase } from "../with-database.ts";

export async function importCommand(args: string[]): Promise<number> {
  const { positionals } = parseCommand(args, {}, ["ADDRESS", "FILE"]);
  const address = normalizeAddress(positionals[0] as string).address;
  const file = path.resolve(positionals[1] as string);
  return withDatabase(async () => {
    const mailboxId = await operatorMailbox(address);
    if (mailboxId === null) throw new InputError(`no mailbox ${address}`, "not_found");
    const source = await detectImportSource(file);
    const host = transferHost();
    const owner = `cli:${host}:${process.pid}:${randomBytes(4).toString("hex")}`;
    const earlier = await findResumable({
      kind: "import",
      mailboxId,
      path: file,
      // A folder's time changes with its files; its entries are what the position counts.
      sourceBytes: source.format === "eml-dir" ? null : source.bytes,
      sourceMtime: source.format === "eml-dir" ? null : source.mtime,
    });
    let job = earlier
      ? await claimJob({ jobId: earlier.id, owner, holderAlive: (holder) => leaseHolderAlive(holder, host) })
      : await startImport({ mailboxId, file, runner: "cli", actorId: null, claimFor: owner });
    if (!job && earlier) {
      throw new InputError(
        `${path.basename(file)} is being imported into ${address} by another yubin import`,
        "conflict",
      );
    }
    if (!job) throw new Error("the import job was not created");
    if (earlier && job.position > 0) {
      console.error(`resuming the import of ${job.fileName} into ${address} at ${positionText(job)}`);
    }
    job = { ...job, address };
    return runCliTransfer(job, owner);
  });
}
