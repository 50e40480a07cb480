// The workflow changes of a bulk action and of its undo (assign, status, snooze), set-based:
// the conversations of one mailbox are changed in one transaction — their rows locked
// together (in id order, so two bulk actions never deadlock), one UPDATE per kind of change,
// and their audit entries, live events and notices written by one INSERT each. Per
// conversation the outcome is exactly that of the single-change domain function it stands
// for (assign.ts, change-status.ts, snooze.ts): the same checks in the same order (a
// non-member assignee, a missing conversation, a conflict with the value the caller expected,
// a closed conversation that cannot be snoozed), nothing written where it is already as
// asked, and the same audit entry, live event and notice where it changed. One conversation
// that fails is reported (its skip) and the rest go on; an unexpected error fails the whole
// mailbox's transaction, and with it the request.
//
// Before: one transaction per conversation, 2.3–4.6 s for 500 (docs/benchmarks.md).
import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { mailboxMembers } from "../mailboxes/mailbox-members.ts";
import { notifyUsersOfConversations } from "../notifications/notify.ts";
import { type LiveEventKind, recordLiveEvents } from "../realtime/live-events.ts";
import { type BulkSkip, skipOf } from "./bulk-action.ts";
import { checkSnoozeUntil } from "./snooze.ts";
import type { Status } from "./status-labels.ts";
import { conflictError, notFound } from "./workflow-conflict.ts";
import { readWorkflowState } from "./workflow-state.ts";

/** One conversation's change; `expected` (the value the caller saw) omitted: last writer wins. */
export type WorkflowChange =
  | { kind: "assign"; conversation: AuthorizedConversation; assigneeId: number | null; expected?: number | null }
  | {
      kind: "status";
      conversation: AuthorizedConversation;
      status: Status;
      expected?: Status;
      /** After the status is set, snooze until then (an undo bringing back the snooze a close ended). */
      resnoozeUntil?: Date | null;
    }
  | { kind: "snooze"; conversation: AuthorizedConversation; until: Date | null; expected?: Date | null };

export interface WorkflowOutcome {
  /** Conversations changed or already as asked. */
  done: number[];
  skipped: BulkSkip[];
}

interface Locked {
  id: number;
  status: Status;
  assigneeId: number | null;
  assigneeName: string | null;
  snoozedUntil: Date | null;
}

interface AuditRow {
  id: number;
  action: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

interface LiveRow {
  mailboxId: number;
  conversationId: number;
  kind: LiveEventKind;
  payload: Record<string, unknown>;
}

/**
 * Applies the changes, mailbox by mailbox, each mailbox in one transaction. At most one
 * change per conversation (a later one for the same conversation is reported invalid).
 */
export async function applyWorkflowChanges(input: {
  actorId: number;
  changes: readonly WorkflowChange[];
  ip?: string | null;
  now?: Date;
}): Promise<WorkflowOutcome> {
  const outcome: WorkflowOutcome = { done: [], skipped: [] };
  const byMailbox = new Map<AuthorizedMailboxId, WorkflowChange[]>();
  const seen = new Set<number>();
  for (const change of input.changes) {
    const id = change.conversation.conversationId as number;
    if (seen.has(id)) {
      outcome.skipped.push(skipOf(id, new InputError("The conversation is named twice.")));
      continue;
    }
    seen.add(id);
    const list = byMailbox.get(change.conversation.mailboxId) ?? [];
    list.push(change);
    byMailbox.set(change.conversation.mailboxId, list);
  }
  const now = input.now ?? new Date();
  for (const [mailboxId, changes] of byMailbox) {
    const part = await sqlTransaction((tx) =>
      applyInMailbox(tx, mailboxId, changes, input.actorId, input.ip ?? null, now),
    );
    outcome.done.push(...part.done);
    outcome.skipped.push(...part.skipped);
  }
  outcome.done.sort((a, b) => a - b);
  outcome.skipped.sort((a, b) => a.conversationId - b.conversationId);
  return outcome;
}

async function applyInMailbox(
  tx: RawSql,
  mailboxId: AuthorizedMailboxId,
  changes: readonly WorkflowChange[],
  actorId: number,
  ip: string | null,
  now: Date,
): Promise<WorkflowOutcome> {
  const outcome: WorkflowOutcome = { done: [], skipped: [] };
  const skip = (id: number, error: unknown) => outcome.skipped.push(skipOf(id, error));

  // assign.ts checks the assignee's membership first, before it reads the conversation.
  const assignees = new Set(
    changes.flatMap((c) => (c.kind === "assign" && c.assigneeId !== null ? [c.assigneeId] : [])),
  );
  const members = assignees.size > 0 ? new Set((await mailboxMembers(tx, mailboxId)).map((m) => m.id)) : new Set();

  const ids = changes.map((c) => c.conversation.conversationId as number);
  const rows = await tx.$queryRaw<Locked[]>`
    select c.id, c.status::text as status, c."assigneeId", u.name as "assigneeName", c."snoozedUntil"
    from "Conversation" c left join "User" u on u.id = c."assigneeId"
    where c.id = any(${ids}::int[]) order by c.id for update of c`;
  const current = new Map(rows.map((r) => [r.id, r]));

  const assignTo = new Map<number | null, number[]>();
  const statusTo = new Map<Status, number[]>();
  const snoozeTo = new Map<number | null, { until: Date | null; ids: number[] }>();
  const audit: AuditRow[] = [];
  const live: LiveRow[] = [];
  const notices: { userId: number; conversationId: number }[] = [];
  const event = (conversationId: number, kind: LiveEventKind, payload: Record<string, unknown>) =>
    live.push({ mailboxId, conversationId, kind, payload });

  for (const change of changes) {
    const id = change.conversation.conversationId as number;
    try {
      // snooze.ts checks the time first of all.
      if (change.kind === "snooze" && change.until !== null) checkSnoozeUntil(change.until, now);
      if (change.kind === "status" && change.resnoozeUntil) checkSnoozeUntil(change.resnoozeUntil, now);
      if (change.kind === "assign" && change.assigneeId !== null && !members.has(change.assigneeId)) {
        throw new InputError("Only a member of this mailbox can be assigned.");
      }
      const was = current.get(id);
      if (!was) throw notFound();
      switch (change.kind) {
        case "assign": {
          if (change.expected !== undefined && was.assigneeId !== change.expected) throw await conflict(tx, id);
          if (was.assigneeId === change.assigneeId) break;
          push(assignTo, change.assigneeId, id);
          audit.push({
            id,
            action: "conversation.assigned",
            before: { assigneeId: was.assigneeId, assigneeName: was.assigneeName },
            after: { assigneeId: change.assigneeId },
          });
          if (change.assigneeId !== null) notices.push({ userId: change.assigneeId, conversationId: id });
          event(id, "conversation.assigned", { assigneeId: change.assigneeId, previous: was.assigneeId });
          break;
        }
        case "status": {
          if (change.expected !== undefined && was.status !== change.expected) throw await conflict(tx, id);
          const resnooze = change.resnoozeUntil ?? null;
          // snooze.ts's rules for the snooze that follows, checked before anything is written.
          if (resnooze && change.status !== "open" && change.status !== "pending") {
            throw new InputError("Only open or pending conversations can be snoozed.");
          }
          if (!(was.status === change.status && was.snoozedUntil === null)) {
            push(statusTo, change.status, id);
            audit.push({
              id,
              action: "conversation.status",
              before: { status: was.status, ...(was.snoozedUntil ? { snoozedUntil: was.snoozedUntil } : {}) },
              after: { status: change.status },
            });
            event(id, "conversation.status", { status: change.status, previous: was.status });
          } else if (!resnooze) break;
          if (resnooze) {
            // The status left no snooze (set, or already none): the snooze comes back.
            pushSnooze(snoozeTo, resnooze, id);
            audit.push({
              id,
              action: "conversation.snoozed",
              before: { snoozedUntil: null },
              after: { snoozedUntil: resnooze },
            });
            event(id, "conversation.snoozed", { snoozedUntil: resnooze.toISOString() });
          }
          break;
        }
        case "snooze": {
          const wasAt = was.snoozedUntil?.getTime() ?? null;
          if (change.expected !== undefined && wasAt !== (change.expected?.getTime() ?? null)) {
            throw await conflict(tx, id);
          }
          if (change.until !== null && was.status !== "open" && was.status !== "pending") {
            throw new InputError("Only open or pending conversations can be snoozed.");
          }
          if (wasAt === (change.until?.getTime() ?? null)) break;
          pushSnooze(snoozeTo, change.until, id);
          audit.push({
            id,
            action: change.until ? "conversation.snoozed" : "conversation.unsnoozed",
            before: { snoozedUntil: was.snoozedUntil },
            after: { snoozedUntil: change.until },
          });
          event(id, "conversation.snoozed", { snoozedUntil: change.until?.toISOString() ?? null });
          break;
        }
      }
      outcome.done.push(id);
    } catch (error) {
      skip(id, error);
    }
  }

  for (const [assigneeId, list] of assignTo) {
    await tx.$queryRaw`
      update "Conversation" set "assigneeId" = ${assigneeId}::int, "updatedAt" = now() where id = any(${list}::int[])`;
  }
  // A status is set before a snooze that follows it (the undo of a close).
  for (const [status, list] of statusTo) {
    await tx.$queryRaw`
      update "Conversation" set status = ${status}::"ConversationStatus", "snoozedUntil" = null, "updatedAt" = now()
      where id = any(${list}::int[])`;
  }
  for (const { until, ids: list } of snoozeTo.values()) {
    await tx.$queryRaw`
      update "Conversation" set "snoozedUntil" = ${until}::timestamptz, "updatedAt" = now()
      where id = any(${list}::int[])`;
  }
  if (audit.length > 0) {
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      select ${actorId}::int, e.v->>'action', 'conversation', e.v->>'id', e.v->'before', e.v->'after', ${ip}::text
      from jsonb_array_elements(${JSON.stringify(audit)}::jsonb) with ordinality as e(v, n)
      order by e.n`;
  }
  if (notices.length > 0) {
    await notifyUsersOfConversations(tx, { kind: "conversation.assigned", actorId, notices });
  }
  if (live.length > 0) await recordLiveEvents(tx, actorId, live);
  return outcome;
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

function pushSnooze(map: Map<number | null, { until: Date | null; ids: number[] }>, until: Date | null, id: number) {
  const key = until?.getTime() ?? null;
  const entry = map.get(key);
  if (entry) entry.ids.push(id);
  else map.set(key, { until, ids: [id] });
}

/** The conflict as the single functions word it: what the conversation is now. */
async function conflict(tx: RawSql, conversationId: number): Promise<InputError> {
  const state = await readWorkflowState(tx, conversationId);
  return state ? conflictError(state) : notFound();
}
