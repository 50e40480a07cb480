// What `yubin import` and `yubin export` show while a job runs: one progress
// line on stderr — redrawn in place on a terminal, else a line at most every
// few seconds (and always the last one) — and the job's report on stdout.
import type { TransferNoteRow } from "../server/transfer/transfer-admin.ts";
import { jobPercent, type TransferJob } from "../server/transfer/transfer-jobs.ts";

const EVERY_MS = 2_000;
const LISTED_NOTES = 20;

const count = (n: number) => n.toLocaleString("en-US");

const percent = jobPercent;

export function progressText(job: TransferJob): string {
  if (job.kind === "export") {
    return `exporting ${job.address} to ${job.fileName}: ${percent(job)}% — ${count(job.processed)} of ${count(
      Math.max(job.total ?? 0, job.processed),
    )} messages`;
  }
  return `importing ${job.fileName} into ${job.address}: ${percent(job)}% — ${count(job.processed)} read (${count(
    job.imported,
  )} stored, ${count(job.duplicates)} duplicates, ${count(job.unparsed)} stored raw, ${count(job.skipped)} skipped)`;
}

/** A progress reporter; `done` writes the last line (and ends the redrawn one). */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const live = stream.isTTY === true;
  let last = 0;
  let shown = "";
  const show = (job: TransferJob, force = false) => {
    const text = progressText(job);
    if (live) {
      stream.write(`\r${text}\x1b[K`);
      shown = text;
      return;
    }
    const now = Date.now();
    if (!force && now - last < EVERY_MS) return;
    last = now;
    if (text !== shown) console.error(text);
    shown = text;
  };
  return {
    update: (job: TransferJob) => show(job),
    done: (job: TransferJob) => {
      show(job, true);
      if (live) stream.write("\n");
    },
  };
}

export function reportLines(job: TransferJob, notes: TransferNoteRow[]): string[] {
  const lines =
    job.kind === "import"
      ? [
          `imported ${job.fileName} into ${job.address}: ${count(job.imported)} messages stored, ${count(
            job.duplicates,
          )} duplicates skipped, ${count(job.unparsed)} stored raw (could not be parsed), ${count(job.skipped)} skipped`,
        ]
      : [`exported ${count(job.processed)} messages from ${job.address} to ${job.path}`];
  for (const note of notes.slice(0, LISTED_NOTES)) {
    lines.push(`  ${note.item}. ${note.location}: ${note.reason.replace("_", " ")} — ${note.detail}`);
  }
  const more = Math.max(notes.length, job.skipped + job.unparsed) - Math.min(notes.length, LISTED_NOTES);
  if (more > 0) lines.push(`  … and ${count(more)} more (Admin → Import/Export lists up to 1,000)`);
  return lines;
}

/** Whether the process a lease names ("host:pid:…", "cli:host:pid:…") is still alive; one on another host counts as alive. */
export function leaseHolderAlive(owner: string, host: string): boolean {
  const parts = owner.replace(/^cli:/, "").split(":");
  if (parts[0] !== host) return true;
  const pid = Number(parts[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
