// Tags on a conversation. Tags belong to the conversation's mailbox: the
// picker offers that mailbox's only, and a new name creates the tag there.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { safeText } from "../../safe-text.ts";
import { conversationTags, mailboxTags } from "../../tags/conversation-tags.ts";
import { addTag, removeTag } from "../../tags/tag-conversation.ts";
import { conversationProcedure, router } from "../trpc.ts";

export const tagsRouter = router({
  /** Every tag of the conversation's mailbox, for the picker. */
  all: conversationProcedure.query(({ ctx }) => mailboxTags([ctx.conversation.mailboxId])),
  list: conversationProcedure.query(({ ctx }) => conversationTags(ctx.conversation)),
  add: conversationProcedure
    .input(z.object({ name: safeText.max(200) }))
    .mutation(({ ctx, input }) =>
      addTag({ actorId: ctx.user.id, conversation: ctx.conversation, name: input.name, ip: ctx.ip }),
    ),
  remove: conversationProcedure
    .input(z.object({ tagId: id }))
    .mutation(({ ctx, input }) =>
      removeTag({ actorId: ctx.user.id, conversation: ctx.conversation, tagId: input.tagId, ip: ctx.ip }),
    ),
});
