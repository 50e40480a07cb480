// The background worker for imports and exports started in the browser
// (server/transfer/): every process running the web or mail role looks for a
// job every few seconds and runs one at a time. A job holds a lease, so two
// processes never run the same one, and a job whose process died is taken up
// by another (or the same one restarted) once its lease has run out, going
// on from its last committed position. On shutdown the job in progress stops
// after its batch and is given back to the queue.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { claimNextJob, releaseJob, type TransferJob } from "../../server/transfer/transfer-jobs.ts";

export const TRANSFER_POLL_MS = 2_000;

function describe(job: TransferJob): string {
  const what = job.kind === "import" ? `import of ${job.fileName} into` : `export of`;
  const counts =
    job.kind === "import"
      ? `${job.imported} stored, ${job.duplicates} duplicates, ${job.unparsed} stored raw, ${job.skipped} skipped`
      : `${job.processed} messages`;
  return `${what} ${job.address} (job ${job.id}): ${job.state}; ${counts}${job.error ? `; ${job.error}` : ""}`;
}

export function startTransferWorker(log: (line: string) => void, pollMs = TRANSFER_POLL_MS) {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const work = async () => {
    while (!stopping.signal.aborted) {
      const job = await claimNextJob({ owner });
      if (!job) return;
      // Loaded with the first job: the parser (mailparser) costs a web process nothing until then.
      const { runTransfer } = await import("../../server/transfer/run-transfer.ts");
      const result = await runTransfer(job, { owner, signal: stopping.signal });
      if (result.state === "stopped") await releaseJob({ jobId: job.id, owner, to: "queued" });
      else if (result.job && result.state !== "lost") log(`transfer: ${describe(result.job)}`);
    }
  };
  const schedule = () => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      running = work()
        .catch((e: unknown) => log(`transfer: ${(e as Error).message}`))
        .finally(schedule);
    }, pollMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
