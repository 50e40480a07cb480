// Undo of a bulk action (bulk-action.ts): each change put back through the same domain
// function, against the value the action set — where someone changed a conversation since,
// that one is left as it is now and reported (a conflict), the rest are put back.
//
// The undo list comes back from the browser, so it is no authority of its own: the caller
// has the gate authorize every conversation (authorizeConversations) and, for deleted mail,
// every mailbox (authorizeMailbox) again, and passes only what it answered; an item outside
// those sets is skipped as not found. Undo can do nothing the actor could not do directly.
import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { InputError } from "../errors.ts";
import { restoreMail } from "../recovery/restore-mail.ts";
import { removeTag } from "../tags/tag-conversation.ts";
import { assignConversation } from "./assign.ts";
import type { BulkResult, BulkUndoItem } from "./bulk-action.ts";
import { eachLimited, skipOf } from "./bulk-action.ts";
import { changeStatus } from "./change-status.ts";
import { snoozeConversation } from "./snooze.ts";

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

  const changes = input.items.filter((i) => i.kind !== "restore");
  await eachLimited(changes, async (item) => {
    const conversation = allowed.get(item.conversationId);
    try {
      if (!conversation) throw new InputError("No such conversation.", "not_found");
      switch (item.kind) {
        case "assign":
          await assignConversation({
            actorId,
            conversation,
            assigneeId: item.assigneeId,
            expectedAssigneeId: item.expected,
            ip,
          });
          break;
        case "status":
          await changeStatus({ actorId, conversation, status: item.status, expected: item.expected, ip });
          // The status change ended a snooze: it comes back if it has not run out meanwhile.
          if (item.snoozedUntil && item.snoozedUntil > now) {
            await snoozeConversation({ actorId, conversation, until: item.snoozedUntil, ip, now });
          }
          break;
        case "snooze":
          await snoozeConversation({
            actorId,
            conversation,
            until: item.until && item.until > now ? item.until : null,
            expectedUntil: item.expected,
            ip,
            now,
          });
          break;
        case "untag":
          await removeTag({ actorId, conversation, tagId: item.tagId, ip });
          break;
      }
      result.done.push(item.conversationId);
    } catch (error) {
      result.skipped.push(skipOf(item.conversationId, error));
    }
  });
  result.done.sort((a, b) => a - b);
  result.skipped.sort((a, b) => a.conversationId - b.conversationId);
  return result;
}
