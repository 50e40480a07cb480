// Working together on a conversation: internal notes with @mentions, in-app
// notifications, tags, saved replies, signatures and the customer panel.
// Conversation-scoped procedures go through conversationProcedure, which
// answers NOT_FOUND alike for a missing conversation and another mailbox's.

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizeConversation } from "../../access/authorized-conversation.ts";
import { customerPanel } from "../../contacts/customer-panel.ts";
import { sql } from "../../db/raw-sql.ts";
import { mailboxMembers } from "../../mailboxes/mailbox-members.ts";
import { addNote } from "../../notes/add-note.ts";
import { listNotes } from "../../notes/list-notes.ts";
import { MAX_NOTE_CHARS, MAX_NOTE_MENTIONS } from "../../notes/note-limits.ts";
import { listNotifications, unreadNotificationCount } from "../../notifications/list-notifications.ts";
import { markNotificationsRead } from "../../notifications/mark-read.ts";
import { manageableSavedReplies, savedRepliesFor } from "../../saved-replies/list-saved-replies.ts";
import {
  createSavedReply,
  deleteSavedReply,
  MAX_SAVED_REPLY_BODY,
  MAX_SAVED_REPLY_TITLE,
  updateSavedReply,
} from "../../saved-replies/manage-saved-replies.ts";
import { renderSavedReply } from "../../saved-replies/render-saved-reply.ts";
import { MAX_SIGNATURE_CHARS } from "../../signatures/signature-limits.ts";
import {
  mailboxSignatures,
  setMailboxSignature,
  setUserSignature,
  userSignature,
} from "../../signatures/signatures.ts";
import { conversationTags, listTags } from "../../tags/conversation-tags.ts";
import { addTag, removeTag } from "../../tags/tag-conversation.ts";
import { adminProcedure, mailboxProcedure, protectedProcedure, router } from "../trpc.ts";

// Ids are PostgreSQL int4: anything larger is simply not found, never a 500.
const id = z.number().int().positive().max(2_147_483_647);

const conversationProcedure = protectedProcedure
  .input(z.object({ conversationId: id }))
  .use(async ({ ctx, input, next }) => {
    const conversation = await authorizeConversation({ userId: ctx.user.id, conversationId: input.conversationId });
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return next({ ctx: { conversation } });
  });

const notesRouter = router({
  list: conversationProcedure.query(({ ctx }) => listNotes(ctx.conversation)),
  /** Who may be @mentioned here: the members of the conversation's mailbox. */
  members: conversationProcedure.query(({ ctx }) => mailboxMembers(sql, ctx.conversation.mailboxId)),
  add: conversationProcedure
    .input(
      z.object({
        body: z.string().max(MAX_NOTE_CHARS, `a note has at most ${MAX_NOTE_CHARS} characters`),
        mentions: z.array(id).max(MAX_NOTE_MENTIONS).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      addNote({
        actorId: ctx.user.id,
        conversation: ctx.conversation,
        body: input.body,
        mentions: input.mentions,
        ip: ctx.ip,
      }),
    ),
});

const notificationsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listNotifications(ctx.user.id)),
  unreadCount: protectedProcedure.query(({ ctx }) => unreadNotificationCount(ctx.user.id)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.array(id).min(1).max(500) }))
    .mutation(({ ctx, input }) => markNotificationsRead({ userId: ctx.user.id, ids: input.ids })),
  markAllRead: protectedProcedure.mutation(({ ctx }) => markNotificationsRead({ userId: ctx.user.id })),
});

const tagsRouter = router({
  /** Every tag name, for the picker. */
  all: protectedProcedure.query(() => listTags()),
  list: conversationProcedure.query(({ ctx }) => conversationTags(ctx.conversation)),
  add: conversationProcedure
    .input(z.object({ name: z.string().max(200) }))
    .mutation(({ ctx, input }) =>
      addTag({ actorId: ctx.user.id, conversation: ctx.conversation, name: input.name, ip: ctx.ip }),
    ),
  remove: conversationProcedure
    .input(z.object({ tagId: id }))
    .mutation(({ ctx, input }) =>
      removeTag({ actorId: ctx.user.id, conversation: ctx.conversation, tagId: input.tagId, ip: ctx.ip }),
    ),
});

const savedReplyFields = {
  mailboxId: id.nullable(),
  title: z.string().max(MAX_SAVED_REPLY_TITLE * 2),
  body: z.string().max(MAX_SAVED_REPLY_BODY),
};

const savedRepliesRouter = router({
  /** What the composer of this mailbox offers: its own and the global ones. */
  forMailbox: mailboxProcedure.query(({ ctx }) => savedRepliesFor(ctx.mailboxId)),
  /** The text of one, with its placeholders filled for this conversation and the caller. */
  render: mailboxProcedure.input(z.object({ conversationId: id, savedReplyId: id })).query(async ({ ctx, input }) => {
    const rendered = await renderSavedReply({
      mailboxId: ctx.mailboxId,
      conversationId: input.conversationId,
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

const signature = z.string().max(MAX_SIGNATURE_CHARS, `a signature has at most ${MAX_SIGNATURE_CHARS} characters`);

const signaturesRouter = router({
  mine: protectedProcedure.query(({ ctx }) => userSignature(ctx.user.id)),
  setMine: protectedProcedure
    .input(z.object({ signature }))
    .mutation(({ ctx, input }) => setUserSignature({ userId: ctx.user.id, signature: input.signature })),
  mailboxes: adminProcedure.query(() => mailboxSignatures()),
  setMailbox: adminProcedure
    .input(z.object({ mailboxId: id, signature }))
    .mutation(({ ctx, input }) =>
      setMailboxSignature({ actorId: ctx.user.id, mailboxId: input.mailboxId, signature: input.signature }),
    ),
});

export const collaborationRouter = router({
  notes: notesRouter,
  notifications: notificationsRouter,
  tags: tagsRouter,
  savedReplies: savedRepliesRouter,
  signatures: signaturesRouter,
  /** The contact and their other conversations in mailboxes the caller works in. */
  customer: conversationProcedure.query(({ ctx }) =>
    customerPanel({ userId: ctx.user.id, conversation: ctx.conversation }),
  ),
});
