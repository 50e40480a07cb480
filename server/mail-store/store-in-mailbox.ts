// One mailbox's copy of a message, step by step. Each mailbox costs two
// statements (plus threading look-ups for replies): one reads the mailbox's
// state (or a batch's read it beforehand: readMailboxStates), the other writes
// everything.
import type { RawSql } from "../db/raw-sql.ts";
import { findThread, type ThreadReason } from "../threading/find-thread.ts";
import { assignNewConversation } from "./assign-new-conversation.ts";
import { findDuplicate, type MailboxState, readMailboxState } from "./mailbox-state.ts";
import type { StoreCopy, StoreOutcome } from "./store-copy.ts";
import { writeMessage } from "./write-message.ts";

/**
 * The copy's outcome; `quotaCrossed` when it took the mailbox over a warning
 * threshold (store-message.ts tells). `preRead`: the mailbox's state for this
 * copy, read with the rest of a batch (readMailboxStates) in the same transaction.
 */
export async function storeInMailbox(
  tx: RawSql,
  copy: StoreCopy,
  preRead?: MailboxState | null,
  /** The conversation, when the caller already asked findThread in this transaction (store-messages.ts). */
  threaded?: ThreadMatch,
): Promise<StoreOutcome & { quotaCrossed?: boolean }> {
  const { mailboxId, message } = copy;
  const state = preRead === undefined ? await readMailboxState(tx, copy) : preRead;
  if (!state) return { mailboxId, outcome: "no_mailbox" };
  if (state.duplicateOf !== null) return { mailboxId, outcome: "duplicate", messageId: state.duplicateOf };
  const checkQuota = state.limited && !copy.bypassQuota;
  if (checkQuota && !state.fits) return { mailboxId, outcome: "over_quota" };

  const thread = threaded ?? (await threadOf(tx, copy, state));
  const stored = await writeMessage(tx, { ...copy, contactId: state.contactId, thread, checkQuota });
  // Filled up while this copy was on its way: nothing was written.
  if (stored && !stored.fits) return { mailboxId, outcome: "over_quota" };
  if (stored?.messageId == null) {
    // Another copy of the same message won the race for the unique index; the
    // conversation this copy would have started is left empty: remove it.
    if (stored?.newConversationId != null) {
      await tx.$queryRaw`
        delete from "Conversation" c where c.id = ${stored.newConversationId}
          and not exists (select 1 from "Message" where "conversationId" = c.id)`;
    }
    const existing = await findDuplicate(tx, mailboxId, message);
    if (existing === null) throw new Error(`message for mailbox ${mailboxId} was neither stored nor a duplicate`);
    return { mailboxId, outcome: "duplicate", messageId: existing };
  }
  if (state.roundRobin && copy.direction === "inbound" && !copy.quarantine && stored.newConversationId != null) {
    await assignNewConversation(tx, { mailboxId, conversationId: stored.newConversationId });
  }
  return {
    mailboxId,
    outcome: "stored",
    messageId: stored.messageId,
    conversationId: stored.conversationId,
    folderId: stored.folderId,
    uid: stored.uid,
    quotaCrossed: stored.quotaCrossed === true,
  };
}

export type ThreadMatch = { conversationId: number | null; reason: ThreadReason };

/** Which conversation the copy joins (threading/find-thread.ts); spam always starts its own. */
export async function threadOf(tx: RawSql, copy: StoreCopy, state: MailboxState): Promise<ThreadMatch> {
  if (copy.quarantine) return { conversationId: null, reason: "new" };
  return findThread(tx, {
    mailboxId: copy.mailboxId,
    ownMessageId: copy.direction === "outbound" ? copy.message.messageIdHeader : null,
    inReplyTo: copy.message.inReplyTo,
    references: copy.message.references,
    subject: copy.message.subject,
    contactId: state.contactId,
    now: copy.now,
  });
}
