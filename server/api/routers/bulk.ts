// Bulk actions from the inbox: one request changes up to MAX_BULK_CONVERSATIONS
// conversations (server/workflow/bulk-action.ts). The gate authorizes each conversation for
// the caller (authorizeConversations, the membership rule of authorizeConversation); one the
// caller may not act on is reported as skipped (not_found, like a missing one), never
// changed. "Select all in this folder" names the folder and its filters instead of ids: the
// conversations are those the caller's inbox view holds (inbox-folders.ts), so already theirs.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { authorizeConversations, authorizeMailbox } from "../../access/gate.ts";
import { FOLDERS, inboxConversationIds, SORTS } from "../../conversations/inbox-folders.ts";
import { MAX_BULK_CONVERSATIONS, MAX_BULK_UNDO_MESSAGES } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { applyBulkAction, type BulkSkip } from "../../workflow/bulk-action.ts";
import { undoBulkAction } from "../../workflow/bulk-undo.ts";
import { STATUSES } from "../../workflow/status-labels.ts";
import { mailboxScopeProcedure, protectedProcedure, router } from "../trpc.ts";

const status = z.enum(STATUSES);
/** Over HTTP (no transformer) dates arrive as ISO strings. */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

const action = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("assign"), assigneeId: id.nullable() }),
  z.object({ kind: z.literal("status"), status }),
  z.object({ kind: z.literal("tag"), name: safeText.max(200) }),
  z.object({ kind: z.literal("snooze"), until: date }),
  z.object({ kind: z.literal("spam") }),
  z.object({ kind: z.literal("delete") }),
]);

const target = z.union([
  z.object({ conversationIds: z.array(id).min(1).max(MAX_BULK_CONVERSATIONS) }),
  z.object({
    folder: z.enum(FOLDERS),
    assignee: z.union([id, z.literal("none")]).optional(),
    status: status.optional(),
    tagId: id.optional(),
    sort: z.enum(SORTS).default("newest"),
  }),
]);

const undoItem = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("assign"), conversationId: id, assigneeId: id.nullable(), expected: id.nullable() }),
  z.object({
    kind: z.literal("status"),
    conversationId: id,
    status,
    snoozedUntil: date.nullable(),
    expected: status,
  }),
  z.object({ kind: z.literal("untag"), conversationId: id, tagId: id }),
  z.object({ kind: z.literal("snooze"), conversationId: id, until: date.nullable(), expected: date.nullable() }),
  z.object({
    kind: z.literal("restore"),
    mailboxId: id,
    conversationIds: z.array(id).max(MAX_BULK_CONVERSATIONS),
    messageIds: z.array(id).max(MAX_BULK_UNDO_MESSAGES),
  }),
]);

export const bulkRouter = router({
  /**
   * One action over the conversations named, or over every conversation of a folder of the
   * mailboxes in view (the first MAX_BULK_CONVERSATIONS; `more` says there were more).
   */
  run: mailboxScopeProcedure.input(z.object({ target, action })).mutation(async ({ ctx, input }) => {
    const userId = ctx.user.id;
    let requested: number[];
    let more = false;
    if ("conversationIds" in input.target) {
      requested = [...new Set(input.target.conversationIds)];
    } else {
      const { folder, assignee, status, tagId, sort } = input.target;
      const found = await inboxConversationIds({
        userId,
        mailboxIds: ctx.mailboxIds,
        filter: { folder, assignee, status, tagId, sort },
        limit: MAX_BULK_CONVERSATIONS,
      });
      requested = found.ids;
      more = found.more;
    }
    const scope = new Set<number>(ctx.mailboxIds);
    const conversations = (await authorizeConversations({ userId, conversationIds: requested })).filter((c) =>
      scope.has(c.mailboxId),
    );
    const allowed = new Set<number>(conversations.map((c) => c.conversationId));
    const refused: BulkSkip[] = requested
      .filter((c) => !allowed.has(c))
      .map((conversationId) => ({ conversationId, code: "not_found", reason: "No such conversation." }));
    const result = await applyBulkAction({ actorId: userId, conversations, action: input.action, ip: ctx.ip });
    return { ...result, skipped: [...refused, ...result.skipped], more };
  }),

  /** Puts back what a run changed (its `undo`), each conversation and mailbox authorized again. */
  undo: protectedProcedure
    .input(z.object({ items: z.array(undoItem).min(1).max(MAX_BULK_CONVERSATIONS) }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.user.id;
      const restoring = input.items.flatMap((i) => (i.kind === "restore" ? [i] : []));
      if (restoring.reduce((n, i) => n + i.messageIds.length, 0) > MAX_BULK_UNDO_MESSAGES) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Too many messages to bring back at once." });
      }
      const conversationIds = input.items.flatMap((i) => (i.kind === "restore" ? [] : [i.conversationId]));
      const conversations = await authorizeConversations({ userId, conversationIds });
      const mailboxes = [];
      for (const mailboxId of new Set(restoring.map((i) => i.mailboxId))) {
        const authorized = await authorizeMailbox({ userId, mailboxId });
        if (authorized) mailboxes.push(authorized);
      }
      return undoBulkAction({ actorId: userId, items: input.items, conversations, mailboxes, ip: ctx.ip });
    }),
});
