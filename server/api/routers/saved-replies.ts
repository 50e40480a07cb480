// Saved replies: what a mailbox's composer offers, filled for one
// conversation, and their management (saved-reply-authority.ts decides who
// manages which).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { MAX_SAVED_REPLY_BODY, MAX_SAVED_REPLY_TITLE } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { manageableSavedReplies, savedRepliesFor } from "../../saved-replies/list-saved-replies.ts";
import { createSavedReply, deleteSavedReply, updateSavedReply } from "../../saved-replies/manage-saved-replies.ts";
import { renderSavedReply } from "../../saved-replies/render-saved-reply.ts";
import { conversationProcedure, mailboxProcedure, protectedProcedure, router } from "../trpc.ts";

const savedReplyFields = {
  mailboxId: id.nullable(),
  title: safeText.max(MAX_SAVED_REPLY_TITLE * 2),
  body: safeText.max(MAX_SAVED_REPLY_BODY),
};

export const savedRepliesRouter = router({
  /** What the composer of this mailbox offers: its own and the global ones. */
  forMailbox: mailboxProcedure.query(({ ctx }) => savedRepliesFor(ctx.mailboxId)),
  /** The text of one, with its placeholders filled for this conversation and the caller. */
  render: conversationProcedure.input(z.object({ savedReplyId: id })).query(async ({ ctx, input }) => {
    const rendered = await renderSavedReply({
      conversation: ctx.conversation,
      savedReplyId: input.savedReplyId,
      agent: { name: ctx.user.name, email: ctx.user.email },
    });
    if (!rendered) throw new TRPCError({ code: "NOT_FOUND", message: "No such saved reply." });
    return rendered;
  }),
  manageable: protectedProcedure.query(({ ctx }) => manageableSavedReplies(ctx.user)),
  create: protectedProcedure
    .input(z.object(savedReplyFields))
    .mutation(({ ctx, input }) => createSavedReply({ actor: ctx.user, ...input })),
  update: protectedProcedure
    .input(z.object({ id, ...savedReplyFields }))
    .mutation(({ ctx, input }) => updateSavedReply({ actor: ctx.user, ...input })),
  delete: protectedProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => deleteSavedReply({ actor: ctx.user, id: input.id })),
});
