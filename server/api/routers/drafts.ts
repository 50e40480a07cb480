// The caller's own draft of a reply in one conversation (server/drafts/):
// read, saved as they type, discarded. A conversation of another team's
// mailbox is NOT_FOUND like a missing one (conversationProcedure); nobody
// else's draft is ever reachable, since each call names only the caller's.
import { discardDraft, draftInput, getDraft, saveDraft } from "../../drafts/drafts.ts";
import { conversationProcedure, router } from "../trpc.ts";

export const draftsRouter = router({
  get: conversationProcedure.query(({ ctx }) => getDraft({ userId: ctx.user.id, conversation: ctx.conversation })),
  save: conversationProcedure.input(draftInput).mutation(({ ctx, input }) => {
    const { conversationId: _, ...draft } = input;
    return saveDraft({ userId: ctx.user.id, conversation: ctx.conversation, draft });
  }),
  discard: conversationProcedure.mutation(async ({ ctx }) => ({
    discarded: await discardDraft({ userId: ctx.user.id, conversationId: ctx.conversation.conversationId }),
  })),
});
