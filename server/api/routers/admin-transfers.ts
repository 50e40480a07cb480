// Import and export (server/transfer/), admin-only: the jobs with their
// progress, what a job reported, starting an export, and cancelling, resuming
// or removing a job. An import starts with an upload (app/api/admin/transfers/
// upload), a file too large for a tRPC body.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { adminMailbox } from "../../access/gate.ts";
import { MAX_QUERY_CHARS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { startBrowserExport } from "../../transfer/browser-export.ts";
import {
  cancelTransfer,
  listTransfers,
  removeTransfer,
  resumeTransfer,
  transferNotes,
} from "../../transfer/transfer-admin.ts";
import { jobPercent, type TransferJob } from "../../transfer/transfer-jobs.ts";
import { adminProcedure, router } from "../trpc.ts";

/** What the admin page shows of a job (not the server's paths). */
function shown(job: TransferJob, now: Date) {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    mailboxId: job.mailboxId,
    address: job.address,
    format: job.format,
    fileName: job.fileName,
    query: job.query,
    runner: job.runner,
    percent: jobPercent(job),
    processed: job.processed,
    imported: job.imported,
    duplicates: job.duplicates,
    unparsed: job.unparsed,
    skipped: job.skipped,
    error: job.error,
    // ISO text: the browser's client has no transformer, so a Date would arrive as text anyway.
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    /** Running, but its runner is gone (a command line stopped, or a process that died until another takes it up). */
    interrupted: job.state === "running" && (job.leaseUntil === null || job.leaseUntil < now),
    downloadable: job.kind === "export" && job.state === "done" && job.ownsFile,
  };
}

export type ShownTransfer = ReturnType<typeof shown>;

const jobInput = z.object({ jobId: id });

export const adminTransfersRouter = router({
  list: adminProcedure.input(z.object({ mailboxId: id.optional() })).query(async ({ input }) => {
    const now = new Date();
    const jobs = await listTransfers(input.mailboxId === undefined ? {} : { mailboxIds: [input.mailboxId] });
    return jobs.map((job) => shown(job, now));
  }),
  notes: adminProcedure.input(jobInput).query(({ input }) => transferNotes(input.jobId)),
  startExport: adminProcedure
    .input(
      z.object({
        mailboxId: id,
        format: z.enum(["mbox", "eml-zip"]),
        query: safeText.trim().max(MAX_QUERY_CHARS).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const mailboxId = await adminMailbox({ userId: ctx.user.id, mailboxId: input.mailboxId });
      if (!mailboxId) throw new TRPCError({ code: "NOT_FOUND", message: "No such mailbox." });
      const job = await startBrowserExport({
        mailboxId,
        format: input.format,
        query: input.query || null,
        actorId: ctx.user.id,
        ip: ctx.ip,
      });
      return { id: job.id };
    }),
  cancel: adminProcedure
    .input(jobInput)
    .mutation(({ ctx, input }) => cancelTransfer({ jobId: input.jobId, actorId: ctx.user.id, ip: ctx.ip })),
  resume: adminProcedure
    .input(jobInput)
    .mutation(({ ctx, input }) => resumeTransfer({ jobId: input.jobId, actorId: ctx.user.id, ip: ctx.ip })),
  remove: adminProcedure
    .input(jobInput)
    .mutation(({ ctx, input }) => removeTransfer({ jobId: input.jobId, actorId: ctx.user.id, ip: ctx.ip })),
});
