// The workflow side of one conversation (status, assignee, snooze). Callers
// hold an AuthorizedConversation from the gate (server/access/gate.ts).
import type { RawSql } from "../db/raw-sql.ts";
import type { Status } from "./status-labels.ts";

export interface WorkflowState {
  conversationId: number;
  mailboxId: number;
  status: Status;
  assignee: { id: number; name: string; email: string } | null;
  snoozedUntil: Date | null;
  updatedAt: Date;
}

/** Reads the state; with `lock`, holds the row until the transaction ends so changes serialise. */
export async function readWorkflowState(
  tx: RawSql,
  conversationId: number,
  lock = false,
): Promise<WorkflowState | null> {
  const rows = lock
    ? await tx.$queryRaw<StateRow[]>`
        select c.id, c."mailboxId", c.status::text, c."assigneeId", c."snoozedUntil", c."updatedAt"
        from "Conversation" c where c.id = ${conversationId} for update`
    : await tx.$queryRaw<StateRow[]>`
        select c.id, c."mailboxId", c.status::text, c."assigneeId", c."snoozedUntil", c."updatedAt"
        from "Conversation" c where c.id = ${conversationId}`;
  const row = rows[0];
  if (!row) return null;
  const [assignee] =
    row.assigneeId === null
      ? []
      : await tx.$queryRaw<{ id: number; name: string; email: string }[]>`
          select id, name, email from "User" where id = ${row.assigneeId}`;
  return {
    conversationId: row.id,
    mailboxId: row.mailboxId,
    status: row.status,
    assignee: assignee ?? null,
    snoozedUntil: row.snoozedUntil,
    updatedAt: row.updatedAt,
  };
}

interface StateRow {
  id: number;
  mailboxId: number;
  status: Status;
  assigneeId: number | null;
  snoozedUntil: Date | null;
  updatedAt: Date;
}

/** Whether a snooze is still in force: a past snoozedUntil the waker has not cleared yet counts as awake. */
export function isSnoozed(state: Pick<WorkflowState, "snoozedUntil">, now = new Date()): boolean {
  return state.snoozedUntil !== null && state.snoozedUntil > now;
}
