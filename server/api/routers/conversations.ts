import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getConversation } from "../../conversations/get-conversation.ts";
import { listConversations, PAGE_SIZE } from "../../conversations/list-conversations.ts";
import { protectedProcedure, router } from "../trpc.ts";

// Ids are PostgreSQL int4: anything larger is simply not found, never a 500.
const id = z.number().int().positive().max(2_147_483_647);

/** The last row of the previous page. Over HTTP (no transformer) the date arrives as an ISO string. */
const cursor = z.object({ lastMessageAt: z.coerce.date(), id });

export const conversationsRouter = router({
  /** The caller's conversations, newest first, of one mailbox or of all they belong to. */
  list: protectedProcedure
    .input(z.object({ mailboxId: id.optional(), cursor: cursor.nullish() }))
    .query(async ({ ctx, input }) => {
      const items = await listConversations({
        userId: ctx.user.id,
        mailboxId: input.mailboxId,
        before: input.cursor ?? undefined,
        limit: PAGE_SIZE,
      });
      const last = items.at(-1);
      const nextCursor = items.length === PAGE_SIZE && last ? { lastMessageAt: last.lastMessageAt, id: last.id } : null;
      return { items, nextCursor };
    }),

  /** One conversation with its messages; NOT_FOUND alike for a missing one and another mailbox's. */
  get: protectedProcedure.input(z.object({ conversationId: id })).query(async ({ ctx, input }) => {
    const conversation = await getConversation({ userId: ctx.user.id, conversationId: input.conversationId });
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return conversation;
  }),
});
