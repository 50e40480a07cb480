// The conversation workflow: status, assignment, snooze, the inbox folders
// and the history. Each procedure names the caller and calls one domain
// function in server/conversations/, which checks mailbox membership (a
// foreign conversation is NOT_FOUND, like a missing one) and writes the
// change, its AuditEvent and its LiveEvent in one transaction. Mutations take
// the value the caller saw and answer CONFLICT if someone changed it first.

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizeConversation } from "../../access/authorized-conversation.ts";
import { conversationAuditTrail } from "../../conversations/conversation-audit.ts";
import {
  FOLDERS,
  folderCounts,
  INBOX_PAGE_SIZE,
  inboxAssignees,
  inboxTags,
  listInbox,
  SORTS,
} from "../../conversations/inbox-folders.ts";
import { sql } from "../../db/raw-sql.ts";
import { mailboxMembers } from "../../mailboxes/mailbox-members.ts";
import { availability, setAvailability } from "../../users/set-availability.ts";
import { assignConversation } from "../../workflow/assign.ts";
import { changeStatus } from "../../workflow/change-status.ts";
import { roundRobinSettings, setRoundRobin } from "../../workflow/round-robin.ts";
import { snoozeConversation } from "../../workflow/snooze.ts";
import { STATUSES, setStatusLabels, statusLabels, statusLabelsInput } from "../../workflow/status-labels.ts";
import { readWorkflowState } from "../../workflow/workflow-state.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc.ts";

// Ids are PostgreSQL int4: anything larger is simply not found, never a 500.
const id = z.number().int().positive().max(2_147_483_647);
const status = z.enum(STATUSES);
/** Over HTTP (no transformer) dates arrive as ISO strings. */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

const inboxInput = z.object({
  mailboxId: id.optional(),
  folder: z.enum(FOLDERS).default("open"),
  assignee: z.union([id, z.literal("none")]).optional(),
  status: status.optional(),
  tagId: id.optional(),
  sort: z.enum(SORTS).default("newest"),
  cursor: z.object({ lastMessageAt: date, id }).nullish(),
  /** Re-check these rows of the view (a live event named them); one page's worth at most. */
  ids: z.array(id).max(INBOX_PAGE_SIZE).optional(),
});

async function requireMember(userId: number, conversationId: number) {
  const conversation = await authorizeConversation({ userId: userId, conversationId: conversationId });
  if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
  return conversation;
}

export const workflowRouter = router({
  /** One page of a folder, filtered and sorted; `cursor` is the previous page's nextCursor. */
  inbox: protectedProcedure.input(inboxInput).query(({ ctx, input }) => {
    const { cursor, ...filter } = input;
    return listInbox({ userId: ctx.user.id, filter, after: cursor ?? undefined, limit: INBOX_PAGE_SIZE });
  }),

  /** Conversations per folder over one mailbox or all the caller's. */
  counts: protectedProcedure
    .input(z.object({ mailboxId: id.optional() }))
    .query(({ ctx, input }) => folderCounts({ userId: ctx.user.id, mailboxId: input.mailboxId })),

  /** What the inbox filters offer: assignees of the mailboxes in view, and tags. */
  filterOptions: protectedProcedure.input(z.object({ mailboxId: id.optional() })).query(async ({ ctx, input }) => ({
    assignees: await inboxAssignees({ userId: ctx.user.id, mailboxId: input.mailboxId }),
    tags: await inboxTags(),
  })),

  statusLabels: protectedProcedure.query(() => statusLabels()),

  setStatusLabels: adminProcedure
    .input(statusLabelsInput)
    .mutation(({ ctx, input }) => setStatusLabels({ labels: input, actorId: ctx.user.id, ip: ctx.ip })),

  /** Status, assignee and snooze of one conversation, with who may be assigned. */
  state: protectedProcedure.input(z.object({ conversationId: id })).query(async ({ ctx, input }) => {
    const conversation = await requireMember(ctx.user.id, input.conversationId);
    const state = await readWorkflowState(sql, conversation.conversationId);
    if (!state) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return { state, members: await mailboxMembers(sql, conversation.mailboxId) };
  }),

  setStatus: protectedProcedure
    .input(z.object({ conversationId: id, status, expected: status.optional() }))
    .mutation(({ ctx, input }) =>
      changeStatus({
        actorId: ctx.user.id,
        conversationId: input.conversationId,
        status: input.status,
        expected: input.expected,
        ip: ctx.ip,
      }),
    ),

  /** assigneeId null unassigns; "Assign to me" sends the caller's own id. */
  assign: protectedProcedure
    .input(z.object({ conversationId: id, assigneeId: id.nullable(), expectedAssigneeId: id.nullable().optional() }))
    .mutation(({ ctx, input }) =>
      assignConversation({
        actorId: ctx.user.id,
        conversationId: input.conversationId,
        assigneeId: input.assigneeId,
        expectedAssigneeId: input.expectedAssigneeId,
        ip: ctx.ip,
      }),
    ),

  /** until null ends the snooze. */
  snooze: protectedProcedure
    .input(z.object({ conversationId: id, until: date.nullable(), expectedUntil: date.nullable().optional() }))
    .mutation(({ ctx, input }) =>
      snoozeConversation({
        actorId: ctx.user.id,
        conversationId: input.conversationId,
        until: input.until,
        expectedUntil: input.expectedUntil,
        ip: ctx.ip,
      }),
    ),

  /** The conversation's audit trail, oldest first. */
  history: protectedProcedure.input(z.object({ conversationId: id })).query(async ({ ctx, input }) => {
    const conversation = await requireMember(ctx.user.id, input.conversationId);
    return conversationAuditTrail(conversation.conversationId);
  }),

  availability: protectedProcedure.query(({ ctx }) => availability(ctx.user.id)),

  setAvailability: protectedProcedure
    .input(z.object({ available: z.boolean() }))
    .mutation(({ ctx, input }) => setAvailability({ userId: ctx.user.id, available: input.available, ip: ctx.ip })),

  roundRobin: adminProcedure.query(() => roundRobinSettings()),

  setRoundRobin: adminProcedure
    .input(z.object({ mailboxId: id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setRoundRobin({ mailboxId: input.mailboxId, enabled: input.enabled, actorId: ctx.user.id, ip: ctx.ip }),
    ),
});
