import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizeConversation } from "../../access/authorized-conversation.ts";
import { approvalRole } from "../../approval/approval-roles.ts";
import { holdReply } from "../../approval/pending-replies.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_COMPOSE_TEXT_CHARS } from "../../compose/compose-limits.ts";
import { replyDraft } from "../../compose/reply-draft.ts";
import { sendReply } from "../../compose/send-reply.ts";
import { conversationDelivery } from "../../conversations/conversation-delivery.ts";
import { getConversation } from "../../conversations/get-conversation.ts";
import { listConversations, PAGE_SIZE } from "../../conversations/list-conversations.ts";
import { loadEnv } from "../../env.ts";
import { markConversationRead } from "../../mail-store/mark-read.ts";
import { isTimeZone } from "../../users/set-preferences.ts";
import { mailboxProcedure, protectedProcedure, router } from "../trpc.ts";

// Ids are PostgreSQL int4: anything larger is simply not found, never a 500.
const id = z.number().int().positive().max(2_147_483_647);

/** The last row of the previous page. Over HTTP (no transformer) the date arrives as an ISO string. */
const cursor = z.object({ lastMessageAt: z.coerce.date(), id });

const mode = z.enum(["reply", "reply_all", "forward"]);

/** One address field as typed ("Name <a@b>, c@d"); sendReply parses and checks it. */
const addressField = z.string().max(20_000);

// Attachments travel base64 in the JSON body: 4 characters per 3 bytes.
const attachment = z.object({
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().max(255).optional(),
  base64: z.base64().max(Math.ceil(MAX_COMPOSE_ATTACHMENT_BYTES / 3) * 4, "attachments are too large"),
});

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

  /** Opening a conversation reads it: its messages become \Seen, for IMAP clients too. */
  markRead: protectedProcedure.input(z.object({ conversationId: id })).mutation(async ({ ctx, input }) => {
    const conversation = await authorizeConversation({ userId: ctx.user.id, conversationId: input.conversationId });
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return { marked: await markConversationRead({ conversation, actorId: ctx.user.id, ip: ctx.ip }) };
  }),

  /** Recipients, subject and quoted history to start a reply or forward of one message from. */
  draft: mailboxProcedure
    .input(
      z.object({
        messageId: id,
        mode,
        // The writer's UI language and time zone, for the quote header ("On …, X wrote:");
        // anything else is ignored (English, UTC) rather than failing the composer.
        locale: z.enum(["en", "ja"]).optional().catch(undefined),
        timeZone: z.string().max(100).refine(isTimeZone).optional().catch(undefined),
      }),
    )
    .query(async ({ ctx, input }) => {
      const draft = await replyDraft({
        mailboxId: ctx.mailboxId,
        messageId: input.messageId,
        mode: input.mode,
        userId: ctx.user.id,
        writer: { locale: input.locale ?? null, timeZone: input.timeZone ?? null },
      });
      if (!draft) throw new TRPCError({ code: "NOT_FOUND", message: "No such message." });
      return draft;
    }),

  /** Sends a reply or forward as the mailbox; the copy joins the conversation before this returns. */
  send: mailboxProcedure
    .input(
      z.object({
        messageId: id,
        mode,
        to: addressField,
        cc: addressField.optional(),
        bcc: addressField.optional(),
        subject: z.string().max(998),
        text: z.string().max(MAX_COMPOSE_TEXT_CHARS, "the message text is too long"),
        html: z.string().max(MAX_COMPOSE_TEXT_CHARS, "the message text is too long").optional(),
        attachments: z.array(attachment).max(100).default([]),
        forwardAttachments: z.array(z.number().int().min(0).max(10_000)).max(500).default([]),
        /** Stale-send guard (send-reply.ts): the newest message id the composer saw, and the second click. */
        seenMessageId: z.number().int().min(0).max(2_147_483_647).optional(),
        confirmNewActivity: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // Approval (確認者): this member's replies wait for a reviewer; nothing leaves now.
      if ((await approvalRole({ userId: ctx.user.id, mailboxId: ctx.mailboxId })).needsApproval) {
        const { mailboxId: _, seenMessageId, confirmNewActivity, ...payload } = input;
        const held = await holdReply({
          actorId: ctx.user.id,
          mailboxId: ctx.mailboxId,
          payload,
          seenMessageId,
          confirmNewActivity,
          ip: ctx.ip,
        });
        return { messageId: null, conversationId: held.conversationId, state: "held" as const, held: true };
      }
      const sent = await sendReply({
        actorId: ctx.user.id,
        mailboxId: ctx.mailboxId,
        messageId: input.messageId,
        mode: input.mode,
        to: input.to,
        cc: input.cc,
        bcc: input.bcc,
        subject: input.subject,
        text: input.text,
        html: input.html,
        attachments: input.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType || undefined,
          content: Buffer.from(a.base64, "base64"),
        })),
        forwardAttachments: input.forwardAttachments,
        seenMessageId: input.seenMessageId,
        confirmNewActivity: input.confirmNewActivity,
        hostname: loadEnv().YUBIN_HOSTNAME,
      });
      return {
        messageId: sent.messageId,
        conversationId: sent.conversationId,
        state: sent.delivery?.state ?? null,
        held: false,
      };
    }),

  /** Delivery state of each message the conversation sent. */
  delivery: protectedProcedure.input(z.object({ conversationId: id })).query(async ({ ctx, input }) => {
    const delivery = await conversationDelivery({ userId: ctx.user.id, conversationId: input.conversationId });
    if (!delivery) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return delivery;
  }),
});
