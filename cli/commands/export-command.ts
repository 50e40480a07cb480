// yubin export ADDRESS --out FILE [--format mbox|eml-zip] [--query Q]
// Writes the mailbox (or the conversations a search finds in it) to FILE as
// mboxrd or a zip of .eml files, in this process, with a progress line on
// stderr. The format follows the file's extension (.zip: eml-zip) unless
// --format says. An interrupted export goes on when the same command is run
// again; any other existing FILE is left alone.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { operatorMailbox } from "../../server/access/gate.ts";
import { InputError } from "../../server/errors.ts";
import { normalizeAddress } from "../../server/mailboxes/address.ts";
import { EXPORT_FORMATS, type ExportFormat, startExport } from "../../server/transfer/start-transfer.ts";
import { claimJob, findResumable, transferHost } from "../../server/transfer/transfer-jobs.ts";
import { parseCommand, UsageError } from "../parse.ts";
import { leaseHolderAlive } from "../transfer-progress.ts";
import { runCliTransfer } from "../transfer-run.ts";
import { withDatabase } from "../with-database.ts";

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { out: { type: "string" }, format: { type: "string" }, query: { type: "string" } },
    ["ADDRESS"],
  );
  if (!values.out) throw new UsageError("yubin export needs --out FILE");
  const address = normalizeAddress(positionals[0] as string).address;
  const out = path.resolve(values.out);
  const format = (values.format ?? (/\.zip$/i.test(out) ? "eml-zip" : "mbox")) as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new InputError(`"${values.format}" is not an export format (mbox or eml-zip)`);
  }
  if (!existsSync(path.dirname(out))) throw new InputError(`${path.dirname(out)}: no such folder`, "not_found");
  return withDatabase(async () => {
    const mailboxId = await operatorMailbox(address);
    if (mailboxId === null) throw new InputError(`no mailbox ${address}`, "not_found");
    const host = transferHost();
    const owner = `cli:${host}:${process.pid}:${randomBytes(4).toString("hex")}`;
    const earlier = existsSync(out) ? await findResumable({ kind: "export", mailboxId, path: out }) : null;
    if (earlier && (earlier.format !== format || (earlier.query ?? "") !== (values.query?.trim() ?? ""))) {
      throw new InputError(
        `${values.out} is an unfinished export with other options: remove it or choose another file`,
      );
    }
    if (!earlier && existsSync(out)) throw new InputError(`${values.out} exists: remove it or choose another file`);
    const job = earlier
      ? await claimJob({ jobId: earlier.id, owner, holderAlive: (holder) => leaseHolderAlive(holder, host) })
      : await startExport({
          mailboxId,
          out,
          format,
          query: values.query,
          runner: "cli",
          actorId: null,
          claimFor: owner,
        });
    if (!job) throw new InputError(`${values.out} is being written by another yubin export`, "conflict");
    if (earlier) console.error(`resuming the export to ${values.out} after ${job.processed} messages`);
    return runCliTransfer({ ...job, address }, owner);
  });
}
