// Assignment to a member of the conversation's mailbox, or to nobody.

import type { AuthorizedConversation } from "../access/gate.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { mailboxMembers } from "../mailboxes/mailbox-members.ts";
import { notifyUsers } from "../notifications/notify.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { conflictError, notFound } from "./workflow-conflict.ts";
import { readWorkflowState, type WorkflowState } from "./workflow-state.ts";

export async function assignConversation(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  /** Null unassigns. */
  assigneeId: number | null;
  /** The assignee the actor saw (null: nobody); omitted: last writer wins. */
  expectedAssigneeId?: number | null;
  ip?: string | null;
}): Promise<WorkflowState> {
  const { conversation } = input;
  return sqlTransaction(async (tx) => {
    if (input.assigneeId !== null) {
      const members = await mailboxMembers(tx, conversation.mailboxId);
      if (!members.some((m) => m.id === input.assigneeId)) {
        throw new InputError("Only a member of this mailbox can be assigned.");
      }
    }
    const current = await readWorkflowState(tx, conversation.conversationId, true);
    if (!current) throw notFound();
    const currentId = current.assignee?.id ?? null;
    if (input.expectedAssigneeId !== undefined && currentId !== input.expectedAssigneeId) {
      throw await conflictError(current);
    }
    if (currentId === input.assigneeId) return current;
    await tx.$queryRaw`
      update "Conversation" set "assigneeId" = ${input.assigneeId}::int, "updatedAt" = now() where id = ${conversation.conversationId}`;
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: "conversation.assigned",
      conversationId: conversation.conversationId,
      before: { assigneeId: currentId, assigneeName: current.assignee?.name ?? null },
      after: { assigneeId: input.assigneeId },
      ip: input.ip,
    });
    if (input.assigneeId !== null) {
      await notifyUsers(tx, {
        userIds: [input.assigneeId],
        kind: "conversation.assigned",
        conversationId: conversation.conversationId,
        actorId: input.actorId,
      });
    }
    await recordLiveEvent(tx, {
      mailboxId: conversation.mailboxId,
      conversationId: conversation.conversationId,
      kind: "conversation.assigned",
      actorId: input.actorId,
      payload: { assigneeId: input.assigneeId, previous: currentId },
    });
    const next = (await readWorkflowState(tx, conversation.conversationId)) as WorkflowState;
    return next;
  });
}
