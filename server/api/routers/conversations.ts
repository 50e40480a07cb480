// One conversation: its messages, the delivery state of what it sent, and
// the composer's draft and send. A conversation or message of another
// team's mailbox is NOT_FOUND like a missing one (the tiers in trpc.ts).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { COMPOSE_MODES, composeInput, staleSendGuard } from "../../compose/compose-input.ts";
import { replyDraft } from "../../compose/reply-draft.ts";
import { sendOrHoldReply } from "../../compose/submit-reply.ts";
import { conversationDelivery } from "../../conversations/conversation-delivery.ts";
import { getConversation, getConversationMessage } from "../../conversations/get-conversation.ts";
import { messageJson } from "../../conversations/message-json.ts";
import { loadEnv } from "../../env.ts";
import { markConversationRead } from "../../mail-store/mark-read.ts";
import { isTimeZone } from "../../users/set-preferences.ts";
import { conversationProcedure, messageProcedure, router } from "../trpc.ts";

export const conversationsRouter = router({
  /** One conversation with its messages. */
  get: conversationProcedure.query(async ({ ctx }) => {
    const conversation = await getConversation(ctx.conversation);
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return conversation;
  }),

  /** One message as the conversation shows it: a collapsed one the reader expands (the page sent its summary only). */
  message: messageProcedure.query(async ({ ctx }) => {
    const message = await getConversationMessage(ctx.message);
    if (!message) throw new TRPCError({ code: "NOT_FOUND", message: "No such message." });
    return messageJson(message);
  }),

  /** Opening a conversation reads it: its messages become \Seen, for IMAP clients too. */
  markRead: conversationProcedure.mutation(async ({ ctx }) => ({
    marked: await markConversationRead({ conversation: ctx.conversation, actorId: ctx.user.id, ip: ctx.ip }),
  })),

  /** Recipients, subject and quoted history to start a reply or forward of one message from. */
  draft: messageProcedure
    .input(
      z.object({
        mode: z.enum(COMPOSE_MODES),
        // The writer's UI language and time zone, for the quote header ("On …, X wrote:");
        // anything else is ignored (English, UTC) rather than failing the composer.
        locale: z.enum(["en", "ja"]).optional().catch(undefined),
        timeZone: z.string().max(100).refine(isTimeZone).optional().catch(undefined),
      }),
    )
    .query(async ({ ctx, input }) => {
      const draft = await replyDraft({
        message: ctx.message,
        mode: input.mode,
        userId: ctx.user.id,
        writer: { locale: input.locale ?? null, timeZone: input.timeZone ?? null },
      });
      if (!draft) throw new TRPCError({ code: "NOT_FOUND", message: "No such message." });
      return draft;
    }),

  /**
   * Sends a reply or forward as the mailbox (its copy joins the conversation
   * before this returns), or holds it for a reviewer when the caller's
   * replies need approval. `thenStatus` closes it or sets it pending once sent.
   */
  send: messageProcedure
    .input(composeInput.extend(staleSendGuard.shape).extend({ thenStatus: z.enum(["closed", "pending"]).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { seenMessageId, confirmNewActivity, thenStatus, ...composition } = input;
      const outcome = await sendOrHoldReply({
        actorId: ctx.user.id,
        message: ctx.message,
        composition,
        guard: { seenMessageId, confirmNewActivity },
        hostname: loadEnv().YUBIN_HOSTNAME,
        ip: ctx.ip,
        thenStatus,
      });
      if (outcome.state === "held") {
        return { messageId: null, conversationId: outcome.conversationId, state: "held" as const, held: true };
      }
      return {
        messageId: outcome.messageId,
        conversationId: outcome.conversationId,
        state: outcome.delivery?.state ?? null,
        held: false,
      };
    }),

  /** Delivery state of each message the conversation sent. */
  delivery: conversationProcedure.query(({ ctx }) => conversationDelivery(ctx.conversation)),
});
