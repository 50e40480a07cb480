// One action over many conversations (the inbox's "select many"): assign, set a status, tag,
// snooze, mark spam or delete. Each conversation is checked, audited and announced on its
// own, as the single change does: assign, status, spam and snooze set-based, one transaction
// per mailbox (bulk-workflow.ts, with the rules of assign.ts, change-status.ts, snooze.ts);
// tags set-based too (server/tags/bulk-tag.ts); delete per mailbox (server/recovery/delete-mail.ts).
// One that fails (someone changed it meanwhile, an assignee who is not a member of its
// mailbox, a closed conversation that cannot be snoozed) is reported and the rest go on.
//
// Every change is made against the state read at the start (the `expected` of the single
// procedures): what the answer's `undo` puts back is exactly what this action changed, and
// an undo is refused, conversation by conversation, where someone has changed it since.
//
// Authority: the callers pass conversations the gate authorized (authorizeConversations);
// an undo is a new request and is authorized again (bulk-undo.ts).
import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { deleteMail } from "../recovery/delete-mail.ts";
import { addTagMany } from "../tags/bulk-tag.ts";
import { normalizeTagName } from "../tags/tag-name.ts";
import { applyWorkflowChanges, type WorkflowChange } from "./bulk-workflow.ts";
import { checkSnoozeUntil } from "./snooze.ts";
import type { Status } from "./status-labels.ts";

export type BulkAction =
  | { kind: "assign"; assigneeId: number | null }
  | { kind: "status"; status: Status }
  | { kind: "tag"; name: string }
  | { kind: "snooze"; until: Date }
  | { kind: "spam" }
  | { kind: "delete" };

/** How to put one change back; each names the value this action set, which must still be there. */
export type BulkUndoItem =
  | { kind: "assign"; conversationId: number; assigneeId: number | null; expected: number | null }
  | { kind: "status"; conversationId: number; status: Status; snoozedUntil: Date | null; expected: Status }
  | { kind: "untag"; conversationId: number; tagId: number }
  | { kind: "snooze"; conversationId: number; until: Date | null; expected: Date | null }
  | { kind: "restore"; mailboxId: number; conversationIds: number[]; messageIds: number[] };

export interface BulkSkip {
  conversationId: number;
  /** not_found: missing, deleted, or not the actor's to change (the gate's answer); else the domain's. */
  code: "not_found" | "conflict" | "invalid";
  reason: string;
}

export interface BulkResult {
  /** Conversations changed (or already as asked: nothing to change is not a failure). */
  done: number[];
  skipped: BulkSkip[];
  undo: BulkUndoItem[];
}

interface Prior {
  id: number;
  status: Status;
  assigneeId: number | null;
  snoozedUntil: Date | null;
}

export function skipOf(conversationId: number, error: unknown): BulkSkip {
  if (error instanceof InputError) {
    const code = error.kind === "invalid" ? "invalid" : error.kind;
    return { conversationId, code, reason: error.message };
  }
  throw error;
}

export async function applyBulkAction(input: {
  actorId: number;
  conversations: readonly AuthorizedConversation[];
  action: BulkAction;
  ip?: string | null;
  now?: Date;
}): Promise<BulkResult> {
  const { action, actorId, ip } = input;
  const result: BulkResult = { done: [], skipped: [], undo: [] };
  // A fault of the action itself fails the request, rather than every conversation one by one.
  if (action.kind === "tag") normalizeTagName(action.name);
  if (action.kind === "snooze") checkSnoozeUntil(action.until, input.now ?? new Date());
  if (input.conversations.length === 0) return result;
  if (action.kind === "delete") return deleteMany(input.conversations, actorId, ip ?? null, input.now);

  const ids = input.conversations.map((c) => c.conversationId as number);
  const rows = await sql.$queryRaw<Prior[]>`
    select id, status::text as status, "assigneeId", "snoozedUntil" from "Conversation" where id = any(${ids}::int[])`;
  const prior = new Map(rows.map((r) => [r.id, r]));

  if (action.kind === "tag") {
    const present = input.conversations.filter((c) => prior.has(c.conversationId as number));
    for (const c of input.conversations) {
      if (!prior.has(c.conversationId as number)) {
        result.skipped.push(skipOf(c.conversationId as number, new InputError("No such conversation.", "not_found")));
      }
    }
    const tagged = await addTagMany({ actorId, conversations: present, name: action.name, ip });
    result.done.push(...tagged.done);
    for (const id of tagged.missing) {
      result.skipped.push(skipOf(id, new InputError("No such conversation.", "not_found")));
    }
    for (const l of tagged.linked)
      result.undo.push({ kind: "untag", conversationId: l.conversationId, tagId: l.tagId });
  } else {
    // Each change is made against the state read above: what changed meanwhile is a conflict.
    const changes: WorkflowChange[] = [];
    const undo = new Map<number, BulkUndoItem>();
    for (const conversation of input.conversations) {
      const id = conversation.conversationId as number;
      const was = prior.get(id);
      if (!was) {
        result.skipped.push(skipOf(id, new InputError("No such conversation.", "not_found")));
        continue;
      }
      const planned = plan(conversation, was, action);
      if (!planned) {
        result.done.push(id); // already as asked
        continue;
      }
      changes.push(planned.change);
      undo.set(id, planned.undo);
    }
    const outcome = await applyWorkflowChanges({ actorId, changes, ip, now: input.now });
    result.done.push(...outcome.done);
    result.skipped.push(...outcome.skipped);
    for (const id of outcome.done) result.undo.push(undo.get(id) as BulkUndoItem);
  }
  result.done.sort((a, b) => a - b);
  result.skipped.sort((a, b) => a.conversationId - b.conversationId);
  result.undo.sort((a, b) => undoKey(a) - undoKey(b));
  return result;
}

function undoKey(item: BulkUndoItem): number {
  return item.kind === "restore" ? 0 : item.conversationId;
}

/** The change that makes `was` as the action asks, and its undo; null: already so. */
function plan(
  conversation: AuthorizedConversation,
  was: Prior,
  action: Extract<BulkAction, { kind: "assign" | "status" | "spam" | "snooze" }>,
): { change: WorkflowChange; undo: BulkUndoItem } | null {
  const conversationId = conversation.conversationId as number;
  switch (action.kind) {
    case "assign": {
      if (was.assigneeId === action.assigneeId) return null;
      return {
        change: { kind: "assign", conversation, assigneeId: action.assigneeId, expected: was.assigneeId },
        undo: { kind: "assign", conversationId, assigneeId: was.assigneeId, expected: action.assigneeId },
      };
    }
    case "status":
    case "spam": {
      const status = action.kind === "spam" ? "spam" : action.status;
      if (was.status === status && was.snoozedUntil === null) return null;
      return {
        change: { kind: "status", conversation, status, expected: was.status },
        undo: { kind: "status", conversationId, status: was.status, snoozedUntil: was.snoozedUntil, expected: status },
      };
    }
    case "snooze": {
      if (was.snoozedUntil?.getTime() === action.until.getTime()) return null;
      return {
        change: { kind: "snooze", conversation, until: action.until, expected: was.snoozedUntil },
        undo: { kind: "snooze", conversationId, until: was.snoozedUntil, expected: action.until },
      };
    }
  }
}

/** Deleted mailbox by mailbox, each in one transaction (delete-mail.ts), as a member's Delete is. */
async function deleteMany(
  conversations: readonly AuthorizedConversation[],
  actorId: number,
  ip: string | null,
  now?: Date,
): Promise<BulkResult> {
  const result: BulkResult = { done: [], skipped: [], undo: [] };
  const byMailbox = new Map<AuthorizedMailboxId, AuthorizedConversation[]>();
  for (const c of conversations) byMailbox.set(c.mailboxId, [...(byMailbox.get(c.mailboxId) ?? []), c]);
  for (const [mailboxId, list] of byMailbox) {
    const conversationIds = list.map((c) => c.conversationId);
    try {
      const deleted = await deleteMail({
        mailboxId,
        select: { conversationIds },
        actorId,
        door: "web",
        ip,
        now,
      });
      result.done.push(...conversationIds);
      result.undo.push({
        kind: "restore",
        mailboxId,
        conversationIds: [...conversationIds],
        messageIds: deleted.deletedMessageIds,
      });
    } catch (error) {
      for (const id of conversationIds) result.skipped.push(skipOf(id, error));
    }
  }
  result.done.sort((a, b) => a - b);
  return result;
}
