// Runs one claimed job to its end (or until stopped), renewing its lease
// meanwhile: a batch commits well within the lease, but parsing a large
// message or reading a slow disk must not let another runner take over.
import { TRANSFER_LEASE_MS } from "../limits.ts";
import { runExport } from "./run-export.ts";
import { type RunOptions, type RunResult, runImport } from "./run-import.ts";
import { renewLease, type TransferJob } from "./transfer-jobs.ts";

export async function runTransfer(job: TransferJob, options: RunOptions): Promise<RunResult> {
  const renew = setInterval(() => {
    renewLease(job.id, options.owner).catch(() => {});
  }, TRANSFER_LEASE_MS / 4);
  renew.unref();
  try {
    return job.kind === "import" ? await runImport(job, options) : await runExport(job, options);
  } finally {
    clearInterval(renew);
  }
}
