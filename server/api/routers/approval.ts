// Approval (確認者): held replies, the reviewer's queue and decisions, and the
// admin's per-member switches. A non-member gets NOT_FOUND like everywhere
// else; a member who is not a reviewer gets FORBIDDEN — they can already see
// the held reply in the conversation, so there is nothing to hide, and the
// message tells them why the button does nothing for them.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { approvalMembers, setApprovalSwitches } from "../../approval/approval-members.ts";
import { approvalRole, reviewedMailboxIds } from "../../approval/approval-roles.ts";
import { approveReply } from "../../approval/approve-reply.ts";
import { returnReply } from "../../approval/return-reply.ts";
import { conversationPendingReplies, reviewQueue, reviewQueueCount } from "../../approval/review-queues.ts";
import { ReviewRefused } from "../../approval/reviewable.ts";
import { loadEnv } from "../../env.ts";
import { MAX_RETURN_COMMENT_CHARS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { adminProcedure, conversationProcedure, protectedProcedure, router } from "../trpc.ts";

function refused(e: unknown): never {
  if (e instanceof ReviewRefused) {
    throw new TRPCError({ code: e.refusal === "not_found" ? "NOT_FOUND" : "FORBIDDEN", message: e.message });
  }
  throw e;
}

export const approvalRouter = router({
  /** The conversation's held replies (every member sees them), and what the caller may do. */
  forConversation: conversationProcedure.query(async ({ ctx }) => {
    const [replies, role] = await Promise.all([
      conversationPendingReplies(ctx.conversation),
      approvalRole({ userId: ctx.user.id, mailboxId: ctx.conversation.mailboxId }),
    ]);
    return { replies, canReview: role.reviewer, needsApproval: role.needsApproval, me: ctx.user.id };
  }),

  /** Replies waiting for the caller's review, across their mailboxes. */
  queue: protectedProcedure.query(({ ctx }) => reviewQueue(ctx.user.id)),

  /** Whether the caller reviews any mailbox, and how many replies wait for them (the nav's count). */
  count: protectedProcedure.query(async ({ ctx }) => {
    const reviews = (await reviewedMailboxIds(ctx.user.id)).length > 0;
    return { reviews, count: reviews ? await reviewQueueCount(ctx.user.id) : 0 };
  }),

  approve: protectedProcedure
    .input(z.object({ pendingReplyId: id, confirmNewActivity: z.boolean().optional() }))
    .mutation(({ ctx, input }) =>
      approveReply({
        reviewerId: ctx.user.id,
        pendingReplyId: input.pendingReplyId,
        confirmNewActivity: input.confirmNewActivity,
        hostname: loadEnv().YUBIN_HOSTNAME,
        ip: ctx.ip,
      }).catch(refused),
    ),

  return: protectedProcedure
    .input(z.object({ pendingReplyId: id, comment: safeText.max(MAX_RETURN_COMMENT_CHARS) }))
    .mutation(async ({ ctx, input }) => {
      await returnReply({
        reviewerId: ctx.user.id,
        pendingReplyId: input.pendingReplyId,
        comment: input.comment,
        ip: ctx.ip,
      }).catch(refused);
      return { ok: true as const };
    }),

  /** Admin: per mailbox, per member (direct memberships), the two switches. */
  members: adminProcedure.input(z.object({ mailboxId: id })).query(({ input }) => approvalMembers(input.mailboxId)),

  setMember: adminProcedure
    .input(
      z.object({ mailboxId: id, userId: id, needsApproval: z.boolean().optional(), reviewer: z.boolean().optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      await setApprovalSwitches({ ...input, actorId: ctx.user.id, ip: ctx.ip });
      return { ok: true as const };
    }),
});
