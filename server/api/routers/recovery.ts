// Deleting mail and getting it back (server/recovery/). Members delete a
// conversation or a message they can see (the gate's conversation and
// message tiers), see their mailboxes' "Recently deleted" and restore there
// (the mailbox tiers: another team's mailbox is NOT_FOUND). Admins find and
// restore deleted mail in any mailbox and set each mailbox's retention window.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { adminMailbox, adminMailboxIds } from "../../access/gate.ts";
import { DELETED_PAGE_SIZE, MAX_DELETED_RETENTION_DAYS } from "../../limits.ts";
import { deleteMail } from "../../recovery/delete-mail.ts";
import { listDeletedMail } from "../../recovery/list-deleted-mail.ts";
import { restoreMail } from "../../recovery/restore-mail.ts";
import { deletedRetention, setDeletedRetention } from "../../recovery/set-retention.ts";
import { safeText } from "../../safe-text.ts";
import {
  adminProcedure,
  conversationProcedure,
  mailboxProcedure,
  mailboxScopeProcedure,
  messageProcedure,
  router,
} from "../trpc.ts";

/** Over HTTP (no transformer) dates arrive as ISO strings. */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

const filterInput = {
  from: safeText.trim().max(320).optional(),
  subject: safeText.trim().max(500).optional(),
  since: date.optional(),
  before: date.optional(),
  cursor: z.object({ deletedAt: date, messageId: id }).nullish(),
};

/** What to restore: some deleted messages, or every deleted message of one deleted conversation. */
const restoreInput = {
  messageIds: z
    .array(id)
    .max(DELETED_PAGE_SIZE * 10)
    .optional(),
  deletedConversationId: id.optional(),
};

function selection(input: { messageIds?: number[]; deletedConversationId?: number }) {
  return input.deletedConversationId !== undefined
    ? { conversationId: input.deletedConversationId }
    : { messageIds: input.messageIds ?? [] };
}

function filterOf(input: { from?: string; subject?: string; since?: Date; before?: Date }) {
  return {
    from: input.from || undefined,
    subject: input.subject || undefined,
    since: input.since,
    before: input.before,
  };
}

async function asAdmin(userId: number, mailboxId: number) {
  const authorized = await adminMailbox({ userId, mailboxId });
  if (!authorized) throw new TRPCError({ code: "NOT_FOUND", message: "No such mailbox." });
  return authorized;
}

const adminRecoveryRouter = router({
  /** Deleted mail in every mailbox, or the one named, by sender, subject and date. */
  search: adminProcedure.input(z.object({ mailboxId: id.optional(), ...filterInput })).query(async ({ ctx, input }) => {
    const mailboxIds =
      input.mailboxId === undefined
        ? await adminMailboxIds(ctx.user.id)
        : [await asAdmin(ctx.user.id, input.mailboxId)];
    return listDeletedMail({ mailboxIds, filter: filterOf(input), after: input.cursor ?? undefined });
  }),
  restore: adminProcedure.input(z.object({ mailboxId: id, ...restoreInput })).mutation(async ({ ctx, input }) =>
    restoreMail({
      mailboxId: await asAdmin(ctx.user.id, input.mailboxId),
      select: selection(input),
      actorId: ctx.user.id,
      ip: ctx.ip,
    }),
  ),
  retention: adminProcedure
    .input(z.object({ mailboxId: id }))
    .query(async ({ ctx, input }) => deletedRetention(await asAdmin(ctx.user.id, input.mailboxId))),
  /** days: null returns the mailbox to the default window. */
  setRetention: adminProcedure
    .input(z.object({ mailboxId: id, days: z.number().int().min(1).max(MAX_DELETED_RETENTION_DAYS).nullable() }))
    .mutation(async ({ ctx, input }) =>
      setDeletedRetention({
        mailboxId: await asAdmin(ctx.user.id, input.mailboxId),
        days: input.days,
        actorId: ctx.user.id,
        ip: ctx.ip,
      }),
    ),
});

export const recoveryRouter = router({
  deleteConversation: conversationProcedure.mutation(({ ctx }) =>
    deleteMail({
      mailboxId: ctx.conversation.mailboxId,
      select: { conversationId: ctx.conversation.conversationId },
      actorId: ctx.user.id,
      door: "web",
      ip: ctx.ip,
    }),
  ),
  deleteMessage: messageProcedure.mutation(({ ctx }) =>
    deleteMail({
      mailboxId: ctx.message.mailboxId,
      select: { messageIds: [ctx.message.messageId] },
      actorId: ctx.user.id,
      door: "web",
      ip: ctx.ip,
    }),
  ),
  /** "Recently deleted" in the caller's mailboxes, or the one named. */
  recentlyDeleted: mailboxScopeProcedure
    .input(z.object(filterInput))
    .query(({ ctx, input }) =>
      listDeletedMail({ mailboxIds: ctx.mailboxIds, filter: filterOf(input), after: input.cursor ?? undefined }),
    ),
  restore: mailboxProcedure
    .input(z.object(restoreInput))
    .mutation(({ ctx, input }) =>
      restoreMail({ mailboxId: ctx.mailboxId, select: selection(input), actorId: ctx.user.id, ip: ctx.ip }),
    ),
  admin: adminRecoveryRouter,
});
