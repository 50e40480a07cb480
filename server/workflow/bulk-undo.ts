// Undo of a bulk action (bulk-action.ts): each change put back with the single change's rules
// (assign, status and snooze set-based per mailbox, bulk-workflow.ts; tags too, server/tags/bulk-tag.ts), against the value the action set — where someone changed a conversation since,
// that one is left as it is now and reported (a conflict), the rest are put back.
//
// The undo list comes back from the browser, so it is no authority of its own: the caller
// has the gate authorize every conversation (authorizeConversations) and, for deleted mail,
// every mailbox (authorizeMailbox) again, and passes only what it answered; an item outside
// those sets is skipped as not found. Undo can do nothing the actor could not do directly.
import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { InputError } from "../errors.ts";
import { restoreMail } from "../recovery/restore-mail.ts";
import { NO_SUCH_TAG, removeTagMany } from "../tags/bulk-tag.ts";
import type { BulkResult, BulkUndoItem } from "./bulk-action.ts";
import { skipOf } from "./bulk-action.ts";
import { applyWorkflowChanges, type WorkflowChange } from "./bulk-workflow.ts";

export async function undoBulkAction(input: {
  actorId: number;
  items: readonly BulkUndoItem[];
  /** The gate's answer for the items' conversations. */
  conversations: readonly AuthorizedConversation[];
  /** The gate's answer for the mailboxes of "restore" items. */
  mailboxes: readonly AuthorizedMailboxId[];
  ip?: string | null;
  now?: Date;
}): Promise<Omit<BulkResult, "undo">> {
  const result: Omit<BulkResult, "undo"> = { done: [], skipped: [] };
  const allowed = new Map(input.conversations.map((c) => [c.conversationId as number, c]));
  const now = input.now ?? new Date();
  const ip = input.ip ?? null;
  const { actorId } = input;

  for (const item of input.items) {
    if (item.kind !== "restore") continue;
    const mailboxId = input.mailboxes.find((m) => m === item.mailboxId);
    try {
      if (mailboxId === undefined) throw new InputError("No such mailbox.", "not_found");
      await restoreMail({ mailboxId, select: { messageIds: item.messageIds }, actorId, ip });
      result.done.push(...item.conversationIds);
    } catch (error) {
      for (const id of item.conversationIds) result.skipped.push(skipOf(id, error));
    }
  }

  const changes: WorkflowChange[] = [];
  const untag: (BulkUndoItem & { kind: "untag" })[] = [];
  for (const item of input.items) {
    if (item.kind === "restore") continue;
    const conversation = allowed.get(item.conversationId);
    if (!conversation) {
      result.skipped.push(skipOf(item.conversationId, new InputError("No such conversation.", "not_found")));
      continue;
    }
    switch (item.kind) {
      case "assign":
        changes.push({ kind: "assign", conversation, assigneeId: item.assigneeId, expected: item.expected });
        break;
      case "status":
        // The status change ended a snooze: it comes back if it has not run out meanwhile.
        changes.push({
          kind: "status",
          conversation,
          status: item.status,
          expected: item.expected,
          resnoozeUntil: item.snoozedUntil && item.snoozedUntil > now ? item.snoozedUntil : null,
        });
        break;
      case "snooze":
        changes.push({
          kind: "snooze",
          conversation,
          until: item.until && item.until > now ? item.until : null,
          expected: item.expected,
        });
        break;
      case "untag":
        untag.push(item);
        break;
    }
  }
  const outcome = await applyWorkflowChanges({ actorId, changes, ip, now });
  result.done.push(...outcome.done);
  result.skipped.push(...outcome.skipped);
  const untagged = await removeTagMany({
    actorId,
    items: untag.map((item) => ({
      conversation: allowed.get(item.conversationId) as AuthorizedConversation,
      tagId: item.tagId,
    })),
    ip,
  });
  result.done.push(...untagged.done);
  for (const id of untagged.missing) result.skipped.push(skipOf(id, NO_SUCH_TAG()));
  result.done.sort((a, b) => a - b);
  result.skipped.sort((a, b) => a.conversationId - b.conversationId);
  return result;
}
