// Blocked and allowed senders per mailbox (server/senders/): the members of a mailbox list,
// add and remove them (mailbox tier: another team's mailbox is NOT_FOUND), and on a
// conversation say "Not spam" or "Block sender" (conversation tier).
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { safeText } from "../../safe-text.ts";
import { blockSender, markNotSpam } from "../../senders/conversation-sender.ts";
import { listSenderRules, removeSenderRule, setSenderRule } from "../../senders/sender-rules.ts";
import { conversationProcedure, mailboxProcedure, router } from "../trpc.ts";

const kind = z.enum(["block", "allow"]);

export const sendersRouter = router({
  list: mailboxProcedure.query(({ ctx }) => listSenderRules(ctx.mailboxId)),
  add: mailboxProcedure.input(z.object({ pattern: safeText.max(400), kind })).mutation(({ ctx, input }) =>
    setSenderRule({
      mailboxId: ctx.mailboxId,
      pattern: input.pattern,
      kind: input.kind,
      actorId: ctx.user.id,
      ip: ctx.ip,
    }),
  ),
  remove: mailboxProcedure
    .input(z.object({ ruleId: id }))
    .mutation(({ ctx, input }) =>
      removeSenderRule({ mailboxId: ctx.mailboxId, ruleId: input.ruleId, actorId: ctx.user.id, ip: ctx.ip }),
    ),
  /** A Spam conversation back to Open; rememberSender allows its sender's address from now on. */
  notSpam: conversationProcedure
    .input(z.object({ rememberSender: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      markNotSpam({
        actorId: ctx.user.id,
        conversation: ctx.conversation,
        rememberSender: input.rememberSender,
        ip: ctx.ip,
      }),
    ),
  /** Blocks the conversation's sender (the address or its domain) and moves the conversation to Spam. */
  block: conversationProcedure
    .input(z.object({ scope: z.enum(["address", "domain"]).default("address") }))
    .mutation(({ ctx, input }) =>
      blockSender({ actorId: ctx.user.id, conversation: ctx.conversation, scope: input.scope, ip: ctx.ip }),
    ),
});
