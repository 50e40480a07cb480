// Admin → Queue: the outbound queue with filters, a summary per destination
// domain, and "Retry now" and "Drop" (the domain functions `yubin queue` uses;
// both audited with the admin as actor).
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { MAX_DOMAIN_OCTETS, MAX_QUEUE_AGE_MINUTES } from "../../limits.ts";
import {
  dropJob,
  listQueue,
  QUEUE_PAGE_SIZE,
  QUEUE_STATES,
  queueSummary,
  retryJob,
} from "../../outbound/queue-admin.ts";
import { safeText } from "../../safe-text.ts";
import { adminProcedure, router } from "../trpc.ts";

const listInput = z.object({
  state: z.enum(["waiting", "all", ...QUEUE_STATES]).default("waiting"),
  domain: safeText.trim().max(MAX_DOMAIN_OCTETS).optional(),
  /** Only jobs queued at least this many minutes ago. */
  olderThanMinutes: z.number().int().min(0).max(MAX_QUEUE_AGE_MINUTES).optional(),
  /** The previous page's nextCursor. */
  cursor: id.nullish(),
});

export const adminQueueRouter = router({
  list: adminProcedure.input(listInput).query(async ({ input }) => {
    const queuedBefore =
      input.olderThanMinutes === undefined ? undefined : new Date(Date.now() - input.olderThanMinutes * 60_000);
    const items = await listQueue({
      filter: { state: input.state, domain: input.domain, queuedBefore },
      afterId: input.cursor ?? undefined,
      limit: QUEUE_PAGE_SIZE,
    });
    const last = items.at(-1);
    return { items, nextCursor: items.length === QUEUE_PAGE_SIZE && last ? last.id : null };
  }),
  summary: adminProcedure.query(() => queueSummary()),
  retry: adminProcedure.input(z.object({ jobId: id })).mutation(async ({ ctx, input }) => {
    await retryJob(input.jobId, { actorId: ctx.user.id, ip: ctx.ip });
    return { jobId: input.jobId };
  }),
  drop: adminProcedure.input(z.object({ jobId: id })).mutation(async ({ ctx, input }) => {
    await dropJob(input.jobId, { actorId: ctx.user.id, ip: ctx.ip });
    return { jobId: input.jobId };
  }),
});
