// Approval (確認者): held replies, the reviewer's queue and decisions, and the
// admin's per-member switches. A non-member gets NOT_FOUND like everywhere
// else; a member who is not a reviewer gets FORBIDDEN — they can already see
// the held reply in the conversation, so there is nothing to hide, and the
// message tells them why the button does nothing for them.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizeConversation } from "../../access/authorized-conversation.ts";
import { approvalRole, reviewedMailboxIds } from "../../approval/approval-roles.ts";
import {
  approveReply,
  conversationPendingReplies,
  MAX_RETURN_COMMENT_CHARS,
  ReviewRefused,
  returnReply,
  reviewQueue,
  reviewQueueCount,
} from "../../approval/pending-replies.ts";
import { db } from "../../db.ts";
import { loadEnv } from "../../env.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc.ts";

const id = z.number().int().positive().max(2_147_483_647);

function refused(e: unknown): never {
  if (e instanceof ReviewRefused) {
    throw new TRPCError({ code: e.refusal === "not_found" ? "NOT_FOUND" : "FORBIDDEN", message: e.message });
  }
  throw e;
}

export const approvalRouter = router({
  /** The conversation's held replies (every member sees them), and what the caller may do. */
  forConversation: protectedProcedure.input(z.object({ conversationId: id })).query(async ({ ctx, input }) => {
    const conversation = await authorizeConversation({ userId: ctx.user.id, conversationId: input.conversationId });
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    const [replies, role] = await Promise.all([
      conversationPendingReplies(conversation.conversationId),
      approvalRole({ userId: ctx.user.id, mailboxId: conversation.mailboxId }),
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
    .input(z.object({ pendingReplyId: id, comment: z.string().max(MAX_RETURN_COMMENT_CHARS) }))
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
  members: adminProcedure.input(z.object({ mailboxId: id })).query(async ({ input }) => {
    const rows = await db().membership.findMany({
      where: { mailboxId: input.mailboxId, userId: { not: null } },
      select: { userId: true, needsApproval: true, reviewer: true, user: { select: { name: true, email: true } } },
      orderBy: { id: "asc" },
    });
    return rows.map((r) => ({
      userId: r.userId as number,
      name: r.user?.name ?? "",
      email: r.user?.email ?? "",
      needsApproval: r.needsApproval,
      reviewer: r.reviewer,
    }));
  }),

  setMember: adminProcedure
    .input(
      z.object({ mailboxId: id, userId: id, needsApproval: z.boolean().optional(), reviewer: z.boolean().optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      const membership = await db().membership.findFirst({
        where: { mailboxId: input.mailboxId, userId: input.userId },
        select: { id: true, needsApproval: true, reviewer: true },
      });
      if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "No such member." });
      const data = {
        ...(input.needsApproval !== undefined ? { needsApproval: input.needsApproval } : {}),
        ...(input.reviewer !== undefined ? { reviewer: input.reviewer } : {}),
      };
      await db().$transaction([
        db().membership.update({ where: { id: membership.id }, data }),
        db().auditEvent.create({
          data: {
            actorId: ctx.user.id,
            action: "membership.approval",
            subjectType: "mailbox",
            subjectId: String(input.mailboxId),
            before: { userId: input.userId, needsApproval: membership.needsApproval, reviewer: membership.reviewer },
            after: { userId: input.userId, ...data },
            ip: ctx.ip,
          },
        }),
      ]);
      return { ok: true as const };
    }),
});
