// Snooze: the conversation leaves the working folders until a time, then the
// waker (wake-snoozed.ts) reopens it; a customer reply wakes it earlier (the
// write path clears snoozedUntil). Only open or pending work can be snoozed.

import type { AuthorizedConversation } from "../access/gate.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAX_SNOOZE_MS } from "../limits.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { conflictError, notFound } from "./workflow-conflict.ts";
import { readWorkflowState, type WorkflowState } from "./workflow-state.ts";

/** A snooze ends in the future and within a year. */
export function checkSnoozeUntil(until: Date, now: Date): void {
  if (Number.isNaN(until.getTime()) || until <= now) {
    throw new InputError("Choose a time in the future to snooze until.");
  }
  if (until.getTime() - now.getTime() > MAX_SNOOZE_MS) throw new InputError("Snooze for at most a year.");
}

export async function snoozeConversation(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  /** Null ends the snooze now. */
  until: Date | null;
  /** snoozedUntil as the actor saw it (null: not snoozed); omitted: last writer wins. */
  expectedUntil?: Date | null;
  ip?: string | null;
  now?: Date;
}): Promise<WorkflowState> {
  const now = input.now ?? new Date();
  if (input.until !== null) checkSnoozeUntil(input.until, now);
  const { conversation } = input;
  return sqlTransaction(async (tx) => {
    const current = await readWorkflowState(tx, conversation.conversationId, true);
    if (!current) throw notFound();
    const seen = input.expectedUntil === undefined ? undefined : (input.expectedUntil?.getTime() ?? null);
    if (seen !== undefined && (current.snoozedUntil?.getTime() ?? null) !== seen) throw await conflictError(current);
    if (input.until !== null && current.status !== "open" && current.status !== "pending") {
      throw new InputError("Only open or pending conversations can be snoozed.");
    }
    if ((current.snoozedUntil?.getTime() ?? null) === (input.until?.getTime() ?? null)) return current;
    await tx.$queryRaw`
      update "Conversation" set "snoozedUntil" = ${input.until}::timestamptz, "updatedAt" = now()
      where id = ${conversation.conversationId}`;
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: input.until ? "conversation.snoozed" : "conversation.unsnoozed",
      conversationId: conversation.conversationId,
      before: { snoozedUntil: current.snoozedUntil },
      after: { snoozedUntil: input.until },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId: conversation.mailboxId,
      conversationId: conversation.conversationId,
      kind: "conversation.snoozed",
      actorId: input.actorId,
      payload: { snoozedUntil: input.until?.toISOString() ?? null },
    });
    return (await readWorkflowState(tx, conversation.conversationId)) as WorkflowState;
  });
}
