// Runs a job the command line holds, in this process: Ctrl-C (SIGINT) or
// SIGTERM stops it after the batch in progress and leaves it cancelled, to be
// taken up again by the same command.

import { runTransfer } from "../server/transfer/run-transfer.ts";
import { transferNotes } from "../server/transfer/transfer-admin.ts";
import { findJob, releaseJob, type TransferJob } from "../server/transfer/transfer-jobs.ts";
import { progressLine, reportLines } from "./transfer-progress.ts";

export async function runCliTransfer(job: TransferJob, owner: string): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = progressLine();
  try {
    const result = await runTransfer(job, { owner, signal: stop.signal, onProgress: progress.update });
    if (result.job) progress.done(result.job);
    if (result.state === "stopped") {
      await releaseJob({ jobId: job.id, owner, to: "cancelled" });
      console.error(`stopped; run the same command again to go on from here`);
      return 1;
    }
    if (result.state === "lost") {
      const now = await findJob(job.id);
      console.error(`yubin: the ${job.kind} was ${now?.state === "cancelled" ? "cancelled" : "taken over"} meanwhile`);
      return 1;
    }
    const finished = result.job;
    for (const line of reportLines(finished, await transferNotes(job.id))) console.log(line);
    if (result.state === "failed") {
      console.error(`yubin: ${finished.error}`);
      return 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
