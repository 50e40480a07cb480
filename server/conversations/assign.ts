// Assignment to a member of the conversation's mailbox, or to nobody.
import { sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { recordLiveEvent } from "../events/live.ts";
import { recordConversationAudit } from "./conversation-audit.ts";
import { conflictError, notFound } from "./workflow-conflict.ts";
import { mailboxMembers, memberConversation, readWorkflowState, type WorkflowState } from "./workflow-state.ts";

export async function assignConversation(input: {
  actorId: number;
  conversationId: number;
  /** Null unassigns. */
  assigneeId: number | null;
  /** The assignee the actor saw (null: nobody); omitted: last writer wins. */
  expectedAssigneeId?: number | null;
  ip?: string | null;
}): Promise<WorkflowState> {
  const conversation = await memberConversation(input.actorId, input.conversationId);
  if (!conversation) throw notFound();
  return sqlTransaction(async (tx) => {
    if (input.assigneeId !== null) {
      const members = await mailboxMembers(tx, conversation.mailboxId);
      if (!members.some((m) => m.id === input.assigneeId)) {
        throw new InputError("Only a member of this mailbox can be assigned.");
      }
    }
    const current = await readWorkflowState(tx, conversation.id, true);
    if (!current) throw notFound();
    const currentId = current.assignee?.id ?? null;
    if (input.expectedAssigneeId !== undefined && currentId !== input.expectedAssigneeId) {
      throw await conflictError(current);
    }
    if (currentId === input.assigneeId) return current;
    await tx.$queryRaw`
      update "Conversation" set "assigneeId" = ${input.assigneeId}::int, "updatedAt" = now() where id = ${conversation.id}`;
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: "conversation.assigned",
      conversationId: conversation.id,
      before: { assigneeId: currentId, assigneeName: current.assignee?.name ?? null },
      after: { assigneeId: input.assigneeId },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId: conversation.mailboxId,
      conversationId: conversation.id,
      kind: "conversation.assigned",
      actorId: input.actorId,
      payload: { assigneeId: input.assigneeId, previous: currentId },
    });
    const next = (await readWorkflowState(tx, conversation.id)) as WorkflowState;
    return next;
  });
}
