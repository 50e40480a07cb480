// Deleting a conversation or some of its messages from the browser (or the
// CLI, or a bulk action later): the same deletion IMAP EXPUNGE and POP3 DELE
// make (expunge-messages.ts), over every folder the messages are filed in,
// in one transaction. The mail becomes deleted mail (retire-messages.ts):
// gone from the inbox, search and every IMAP/POP3 view at once, out of the
// quota, restorable for the mailbox's retention window.
//
// Authority: the mailbox (and the conversation) come from the gate; message
// ids are looked up inside that mailbox only, so a foreign id deletes nothing.
import type { AuthorizedConversationId, AuthorizedMailboxId } from "../access/gate.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { removeEntriesTx } from "../mail-store/expunge-messages.ts";
import { type RemovedEntry, retireMessagesTx } from "./retire-messages.ts";

/** The answer when every message named is already deleted (or purged, or never was the mailbox's). */
export const ALREADY_GONE = "Nothing to delete: it is already gone.";

export interface DeleteMailInput {
  mailboxId: AuthorizedMailboxId;
  /** One conversation, several (a bulk action: each authorized by the gate), or some messages of the mailbox. */
  select:
    | { conversationId: AuthorizedConversationId }
    | { conversationIds: readonly AuthorizedConversationId[] }
    | { messageIds: readonly number[] };
  actorId: number | null;
  /** "connector": the message was expunged on the remote server it was imported from (connectors/follow-changes.ts). */
  door: "web" | "cli" | "connector";
  ip?: string | null;
  now?: Date;
}

export interface DeleteMailResult {
  deletedMessageIds: number[];
  /** Conversations left with no live message, now hidden (restorable). */
  hiddenConversationIds: number[];
}

export async function deleteMail(input: DeleteMailInput): Promise<DeleteMailResult> {
  const now = input.now ?? new Date();
  const { mailboxId } = input;
  return sqlTransaction(async (tx) => {
    const { select } = input;
    const byConversation: number[] =
      "conversationId" in select
        ? [select.conversationId]
        : "conversationIds" in select
          ? [...select.conversationIds]
          : [];
    const requested = "messageIds" in select ? [...select.messageIds] : [];
    const targets = await tx.$queryRaw<{ id: number }[]>`
      select id from "Message"
      where "mailboxId" = ${mailboxId}::int and "deletedAt" is null
        and ("conversationId" = any(${byConversation}::int[]) or id = any(${requested}::int[]))`;
    const ids = targets.map((t) => t.id);
    if (ids.length === 0) throw new InputError(ALREADY_GONE, "not_found");

    // Folders in id order: two deletions over the same folders lock them in the same order.
    const folders = await tx.$queryRaw<{ folderId: number }[]>`
      select distinct fm."folderId" from "FolderMessage" fm where fm."messageId" = any(${ids}::int[]) order by 1`;
    const entries: RemovedEntry[] = [];
    for (const { folderId } of folders) {
      const removed = await removeEntriesTx(tx, {
        mailboxId,
        folderId,
        select: { messageIds: ids },
        actorId: input.actorId,
        door: input.door,
        ip: input.ip ?? null,
      });
      entries.push(...removed.entries);
    }
    const retired = await retireMessagesTx(tx, {
      mailboxId,
      entries,
      messageIds: ids,
      actorId: input.actorId,
      door: input.door,
      ip: input.ip ?? null,
      now,
    });
    return {
      deletedMessageIds: retired.messages.map((m) => m.id),
      hiddenConversationIds: retired.hiddenConversationIds,
    };
  });
}
