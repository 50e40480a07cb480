// Open / Pending / Closed / Spam, set by any member of the mailbox. An
// explicit status ends a snooze: the agent has decided what happens next.

import type { AuthorizedConversation } from "../access/gate.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import type { Status } from "./status-labels.ts";
import { conflictError, notFound } from "./workflow-conflict.ts";
import { readWorkflowState, type WorkflowState } from "./workflow-state.ts";

export async function changeStatus(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  status: Status;
  /** The status the actor saw; if it changed meanwhile the call fails with a conflict. Omitted: last writer wins. */
  expected?: Status;
  ip?: string | null;
}): Promise<WorkflowState> {
  const { conversation } = input;
  return sqlTransaction(async (tx) => {
    const current = await readWorkflowState(tx, conversation.conversationId, true);
    if (!current) throw notFound();
    if (input.expected !== undefined && current.status !== input.expected) throw await conflictError(current);
    if (current.status === input.status && current.snoozedUntil === null) return current;
    await tx.$queryRaw`
      update "Conversation" set status = ${input.status}::"ConversationStatus", "snoozedUntil" = null, "updatedAt" = now()
      where id = ${conversation.conversationId}`;
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: "conversation.status",
      conversationId: conversation.conversationId,
      before: { status: current.status, ...(current.snoozedUntil ? { snoozedUntil: current.snoozedUntil } : {}) },
      after: { status: input.status },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId: conversation.mailboxId,
      conversationId: conversation.conversationId,
      kind: "conversation.status",
      actorId: input.actorId,
      payload: { status: input.status, previous: current.status },
    });
    return (await readWorkflowState(tx, conversation.conversationId)) as WorkflowState;
  });
}
