// The conversation's history: every AuditEvent about it (status, assignment,
// snooze from the workflow; notes, tags and replies from the other features),
// oldest first, with the actor's name. Workflow changes write theirs here with
// raw SQL inside the same transaction as the change.
import type { AuthorizedConversation } from "../access/gate.ts";
import type { RawSql } from "../db/raw-sql.ts";
import { sql } from "../db/raw-sql.ts";

export interface ConversationAuditEntry {
  id: number;
  action: string;
  actor: { id: number; name: string; email: string } | null;
  before: unknown;
  after: unknown;
  at: Date;
}

/** The most recent entries shown; older ones stay in the table for admins. */
export const AUDIT_TRAIL_LIMIT = 200;

export async function recordConversationAudit(
  tx: RawSql,
  event: {
    actorId: number | null;
    action: string;
    conversationId: number;
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    ip?: string | null;
  },
): Promise<void> {
  await tx.$queryRaw`
    insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
    values (${event.actorId}::int, ${event.action}, 'conversation', ${String(event.conversationId)},
      ${event.before ? JSON.stringify(event.before) : null}::jsonb,
      ${event.after ? JSON.stringify(event.after) : null}::jsonb, ${event.ip ?? null}::text)`;
}

export async function conversationAuditTrail(conversation: AuthorizedConversation): Promise<ConversationAuditEntry[]> {
  const { conversationId } = conversation;
  const rows = await sql.$queryRaw<
    {
      id: number;
      action: string;
      actorId: number | null;
      actorName: string | null;
      actorEmail: string | null;
      before: unknown;
      after: unknown;
      at: Date;
    }[]
  >`
    select * from (
      select e.id, e.action, e."actorId", u.name as "actorName", u.email as "actorEmail", e.before, e.after, e.at
      from "AuditEvent" e left join "User" u on u.id = e."actorId"
      where e."subjectType" = 'conversation' and e."subjectId" = ${String(conversationId)}
      order by e.at desc, e.id desc
      limit ${AUDIT_TRAIL_LIMIT}
    ) recent order by at, id`;
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actor:
      r.actorId !== null && r.actorName !== null
        ? { id: r.actorId, name: r.actorName, email: r.actorEmail ?? "" }
        : null,
    before: r.before,
    after: r.after,
    at: r.at,
  }));
}
