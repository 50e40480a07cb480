// Quotas: the admin's overview, limits and recount (admin-only), and the
// warnings a member sees in the inbox. Each calls one domain function in
// server/quotas/; the rule itself lives in the database (yubin_quota_fits).
import { z } from "zod";
import { MAX_QUOTA_MESSAGES, MAX_QUOTA_WARN_THRESHOLDS } from "../../limits.ts";
import { quotaWarningsFor } from "../../quotas/quota-banner.ts";
import { quotaOverview } from "../../quotas/quota-overview.ts";
import { recalculateUsage } from "../../quotas/recalculate-usage.ts";
import { setQuotaLimits } from "../../quotas/set-quota-limits.ts";
import { safeText } from "../../safe-text.ts";
import { quotaInput } from "../quota-input.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc.ts";

const address = safeText.trim().min(1, "email is required").max(320);

/** "" = unlimited, else a whole number of messages. */
const messagesInput = z
  .string()
  .max(20)
  .transform((text, ctx) => {
    const trimmed = text.trim().replace(/[,_]/g, "");
    if (trimmed === "") return null;
    const n = Number(trimmed);
    if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(n) || n > MAX_QUOTA_MESSAGES) {
      ctx.addIssue({ code: "custom", message: `a message limit is a whole number from 0 to ${MAX_QUOTA_MESSAGES}` });
      return z.NEVER;
    }
    return n;
  });

export const quotasRouter = router({
  /** Every mailbox's usage, limits, thresholds and largest folders. */
  overview: adminProcedure.query(() => quotaOverview()),
  setLimits: adminProcedure
    .input(
      z.object({
        address,
        quota: quotaInput.optional(),
        messages: messagesInput.optional(),
        warnPercents: z
          .array(z.number().int())
          .max(MAX_QUOTA_WARN_THRESHOLDS * 4)
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      setQuotaLimits({
        address: input.address,
        quotaBytes: input.quota,
        quotaMessages: input.messages,
        warnPercents: input.warnPercents,
        actorId: ctx.user.id,
        ip: ctx.ip,
      }),
    ),
  /** Recounts usage from the messages; reports the drift. */
  recalculate: adminProcedure
    .input(z.object({ address }))
    .mutation(({ ctx, input }) => recalculateUsage({ address: input.address, actorId: ctx.user.id, ip: ctx.ip })),
  /** The caller's mailboxes past a warning threshold (the inbox banner). */
  warnings: protectedProcedure.query(({ ctx }) => quotaWarningsFor(ctx.user.id)),
});
