// The conversation workflow: status, assignment, snooze, the inbox folders
// and the history. Conversation procedures get the conversation from the
// gate (conversationProcedure: a foreign one is NOT_FOUND, like a missing
// one) and call one domain function, which writes the change, its
// AuditEvent and its LiveEvent in one transaction. Mutations take the value
// the caller saw and answer CONFLICT if someone changed it first.

import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { conversationAuditTrail } from "../../conversations/conversation-audit.ts";
import {
  FOLDERS,
  folderCounts,
  INBOX_PAGE_SIZE,
  inboxFilterOptions,
  listInbox,
  SORTS,
} from "../../conversations/inbox-folders.ts";
import { availability, setAvailability } from "../../users/set-availability.ts";
import { assignConversation } from "../../workflow/assign.ts";
import { changeStatus } from "../../workflow/change-status.ts";
import { roundRobinSettings, setRoundRobin } from "../../workflow/round-robin.ts";
import { snoozeConversation } from "../../workflow/snooze.ts";
import { STATUSES, setStatusLabels, statusLabels, statusLabelsInput } from "../../workflow/status-labels.ts";
import { workflowView } from "../../workflow/workflow-view.ts";
import { adminProcedure, conversationProcedure, mailboxScopeProcedure, protectedProcedure, router } from "../trpc.ts";

const status = z.enum(STATUSES);
/** Over HTTP (no transformer) dates arrive as ISO strings. */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

const inboxInput = z.object({
  folder: z.enum(FOLDERS).default("open"),
  assignee: z.union([id, z.literal("none")]).optional(),
  status: status.optional(),
  tagId: id.optional(),
  sort: z.enum(SORTS).default("newest"),
  cursor: z.object({ lastMessageAt: date, id, waitingSince: date.nullish() }).nullish(),
  /** Re-check these rows of the view (a live event named them); one page's worth at most. */
  ids: z.array(id).max(INBOX_PAGE_SIZE).optional(),
});

export const workflowRouter = router({
  /** One page of a folder over the caller's mailboxes or one of them; `cursor` is the previous page's nextCursor. */
  inbox: mailboxScopeProcedure.input(inboxInput).query(({ ctx, input }) => {
    const { cursor, mailboxId: _, ...filter } = input;
    return listInbox({
      userId: ctx.user.id,
      mailboxIds: ctx.mailboxIds,
      filter,
      after: cursor ?? undefined,
      limit: INBOX_PAGE_SIZE,
    });
  }),

  /** Conversations per folder over one mailbox or all the caller's. */
  counts: mailboxScopeProcedure.query(({ ctx }) => folderCounts({ userId: ctx.user.id, mailboxIds: ctx.mailboxIds })),

  /** What the inbox filters offer: members and tags of the mailboxes in view. */
  filterOptions: mailboxScopeProcedure.query(({ ctx }) => inboxFilterOptions(ctx.mailboxIds)),

  statusLabels: protectedProcedure.query(() => statusLabels()),

  setStatusLabels: adminProcedure
    .input(statusLabelsInput)
    .mutation(({ ctx, input }) => setStatusLabels({ labels: input, actorId: ctx.user.id, ip: ctx.ip })),

  /** Status, assignee and snooze of one conversation, with who may be assigned. */
  state: conversationProcedure.query(({ ctx }) => workflowView(ctx.conversation)),

  setStatus: conversationProcedure.input(z.object({ status, expected: status.optional() })).mutation(({ ctx, input }) =>
    changeStatus({
      actorId: ctx.user.id,
      conversation: ctx.conversation,
      status: input.status,
      expected: input.expected,
      ip: ctx.ip,
    }),
  ),

  /** assigneeId null unassigns; "Assign to me" sends the caller's own id. */
  assign: conversationProcedure
    .input(z.object({ assigneeId: id.nullable(), expectedAssigneeId: id.nullable().optional() }))
    .mutation(({ ctx, input }) =>
      assignConversation({
        actorId: ctx.user.id,
        conversation: ctx.conversation,
        assigneeId: input.assigneeId,
        expectedAssigneeId: input.expectedAssigneeId,
        ip: ctx.ip,
      }),
    ),

  /** until null ends the snooze. */
  snooze: conversationProcedure
    .input(z.object({ until: date.nullable(), expectedUntil: date.nullable().optional() }))
    .mutation(({ ctx, input }) =>
      snoozeConversation({
        actorId: ctx.user.id,
        conversation: ctx.conversation,
        until: input.until,
        expectedUntil: input.expectedUntil,
        ip: ctx.ip,
      }),
    ),

  /** The conversation's audit trail, oldest first. */
  history: conversationProcedure.query(({ ctx }) => conversationAuditTrail(ctx.conversation)),

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
