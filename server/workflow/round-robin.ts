// Round-robin assignment of NEW inbound conversations, per mailbox, among its
// enabled members marked available, in user-id order. Mailbox.lastAssignedUserId
// is the turn. Taking the turn is one UPDATE whose new value is computed from
// the row's current value: concurrent deliveries queue on the Mailbox row lock
// and PostgreSQL re-evaluates the SET for the waiter against the committed turn
// (READ COMMITTED's EvalPlanQual), so no two deliveries take the same turn.
import { MAILBOX_ACCESS } from "../access/gate.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import type { RawSql } from "../db/raw-sql.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";

/** Assigns the conversation to the next available member; returns the assignee, or null (off, or nobody available). */
export async function assignRoundRobin(
  tx: RawSql,
  input: { mailboxId: number; conversationId: number },
): Promise<number | null> {
  const [row] = await tx.$queryRaw<{ assigneeId: number }[]>`
    with candidates as (
      select u.id from "User" u
      where u.available and not u.disabled and exists (
        select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = ${input.mailboxId}::int and a."userId" = u.id)
    ), turn as (
      update "Mailbox" m set "lastAssignedUserId" = coalesce(
          (select min(id) from candidates where id > coalesce(m."lastAssignedUserId", 0)),
          (select min(id) from candidates))
      where m.id = ${input.mailboxId} and m."roundRobin" and exists (select 1 from candidates)
      returning m."lastAssignedUserId" as "userId"
    )
    update "Conversation" c set "assigneeId" = turn."userId", "updatedAt" = now()
    from turn where c.id = ${input.conversationId} and c."assigneeId" is null
    returning c."assigneeId"`;
  if (!row) return null;
  await recordConversationAudit(tx, {
    actorId: null,
    action: "conversation.assigned",
    conversationId: input.conversationId,
    before: { assigneeId: null },
    after: { assigneeId: row.assigneeId, via: "round-robin" },
  });
  await recordLiveEvent(tx, {
    mailboxId: input.mailboxId,
    conversationId: input.conversationId,
    kind: "conversation.assigned",
    actorId: null,
    payload: { assigneeId: row.assigneeId, previous: null, via: "round-robin" },
  });
  return row.assigneeId;
}

/** The admin toggle on a mailbox. */
export async function setRoundRobin(input: {
  mailboxId: number;
  enabled: boolean;
  actorId: number;
  ip?: string | null;
}) {
  await db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where: { id: input.mailboxId }, select: { roundRobin: true } });
    if (!mailbox) throw new InputError("No such mailbox.", "not_found");
    if (mailbox.roundRobin === input.enabled) return;
    await tx.mailbox.update({ where: { id: input.mailboxId }, data: { roundRobin: input.enabled } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.round_robin",
        subjectType: "mailbox",
        subjectId: input.mailboxId,
        before: { roundRobin: mailbox.roundRobin },
        after: { roundRobin: input.enabled },
        ip: input.ip,
      },
      tx,
    );
  });
}

/** Mailbox id → round-robin on/off, for the admin page. */
export async function roundRobinSettings(): Promise<Record<number, boolean>> {
  const rows = await db().mailbox.findMany({ select: { id: true, roundRobin: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.roundRobin]));
}
