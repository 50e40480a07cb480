// The one write path for a batch of messages into ONE mailbox, inside the
// caller's transaction (the connector's: store-remote-batch.ts). The same
// rules as storeMessageTx for each message, in the order given: the state
// read for the whole batch beforehand (readMailboxStates: duplicates, quota,
// contact), threading, then the write. Messages that start a new
// conversation are written together, many in one statement
// (write-messages.ts), instead of one statement each; a message that joins a
// conversation, or could join one started earlier in this batch (it names
// one of their Message-IDs, or is a reply to one of their subjects from the
// same contact), or is the very same message as one of them, is written
// after those are, on its own (write-message.ts), so threading and the
// duplicate check see what came before it exactly as they would one by one.
import type { RawSql } from "../db/raw-sql.ts";
import { STORE_BATCH_BYTES } from "../limits.ts";
import type { ParsedMessage } from "../mime/parse-message.ts";
import { normalizeSubject } from "../threading/normalize-subject.ts";
import { conversationIdsFromReferences } from "../threading/reply-token.ts";
import { assignNewConversation } from "./assign-new-conversation.ts";
import { findDuplicate, type MailboxState } from "./mailbox-state.ts";
import type { StoreOutcome } from "./store-copy.ts";
import { threadOf } from "./store-in-mailbox.ts";
import { deliverQuotaNotice, type StoreMessageInput, sharedFields, storeCopy } from "./store-message.ts";
import { type BatchCopy, writeMessages } from "./write-messages.ts";

export interface BatchItem {
  input: Omit<StoreMessageInput, "mailboxIds">;
  message: ParsedMessage;
  /** The mailbox's state for this message as readMailboxStates read it in this transaction; null: no such mailbox. */
  state: MailboxState | null;
}

interface Pending {
  index: number;
  copy: BatchCopy;
  state: MailboxState;
  subjectKey: string;
}

export async function storeMessagesTx(
  tx: RawSql,
  mailboxId: number,
  items: readonly BatchItem[],
): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = new Array(items.length);
  let pending: Pending[] = [];

  let pendingBytes = 0;
  const flush = async () => {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    if (batch.length === 0) return;
    if (batch.length > 1) {
      const first = batch[0] as Pending;
      const written = await writeMessages(tx, {
        mailboxId,
        folder: first.copy.folder ?? "INBOX",
        checkQuota: batch.some((p) => p.state.limited && !p.copy.bypassQuota),
        copies: batch.map((p) => p.copy),
      });
      if (written.fits) {
        for (const [i, p] of batch.entries()) {
          const row = written.rows[i];
          if (row?.messageId == null || row.conversationId === null || row.folderId === null || row.uid === null) {
            // Another copy of the same message won the race for the unique index (write-message.ts).
            const existing = await findDuplicate(tx, mailboxId, p.copy.message);
            if (existing === null)
              throw new Error(`message for mailbox ${mailboxId} was neither stored nor a duplicate`);
            outcomes[p.index] = { mailboxId, outcome: "duplicate", messageId: existing };
            continue;
          }
          outcomes[p.index] = {
            mailboxId,
            outcome: "stored",
            messageId: row.messageId,
            conversationId: row.conversationId,
            folderId: row.folderId,
            uid: row.uid,
          };
          if (p.state.roundRobin && p.copy.direction === "inbound" && !p.copy.quarantine) {
            await assignNewConversation(tx, { mailboxId, conversationId: row.conversationId });
          }
        }
        if (written.quotaCrossed) await deliverQuotaNotice(tx, { mailboxId, now: (batch.at(-1) as Pending).copy.now });
        return;
      }
      // Not all of it fits: one by one, so that the one that does not is found where it is.
    }
    for (const p of batch) {
      outcomes[p.index] = await storeCopy(tx, p.copy, p.state, { conversationId: null, reason: "new" });
    }
  };

  for (const [index, item] of items.entries()) {
    const { state, message } = item;
    const copy: BatchCopy = {
      ...item.input,
      ...sharedFields({ ...item.input, mailboxIds: [mailboxId] }),
      mailboxId,
      storeBlob: true,
      message,
      contactId: state?.contactId ?? null,
    };
    if (!state) {
      outcomes[index] = { mailboxId, outcome: "no_mailbox" };
      continue;
    }
    if (state.duplicateOf !== null) {
      outcomes[index] = { mailboxId, outcome: "duplicate", messageId: state.duplicateOf };
      continue;
    }
    if (state.limited && !copy.bypassQuota && !state.fits) {
      outcomes[index] = { mailboxId, outcome: "over_quota" };
      continue;
    }
    const subject = normalizeSubject(message.subject);
    if (dependsOnPending(pending, copy, subject, state) || pendingBytes + copy.raw.length > STORE_BATCH_BYTES) {
      await flush();
    }
    const thread = await threadOf(tx, copy, state);
    if (thread.conversationId === null) {
      pending.push({ index, copy, state, subjectKey: subject.key });
      pendingBytes += copy.raw.length;
    } else {
      await flush();
      outcomes[index] = await storeCopy(tx, copy, state, thread);
    }
  }
  await flush();
  for (let i = 0; i < items.length; i++) {
    if (!outcomes[i]) throw new Error(`message ${i} of a batch for mailbox ${mailboxId} has no outcome`);
  }
  return outcomes;
}

/** Whether the copy could thread with, or is the same message as, one waiting to be written. */
function dependsOnPending(
  pending: readonly Pending[],
  copy: BatchCopy,
  subject: { key: string; isReply: boolean; ticket: number | null },
  state: MailboxState,
): boolean {
  if (pending.length === 0) return false;
  const m = copy.message;
  const named = new Set([...(m.inReplyTo ? [m.inReplyTo] : []), ...m.references]);
  // A conversation named by number (a reply token, a ticket in the subject) may be one of theirs.
  const ownId = copy.direction === "outbound" && m.messageIdHeader ? [m.messageIdHeader] : [];
  if (subject.ticket !== null || conversationIdsFromReferences([...ownId, ...named]).length > 0) return true;
  const folder = copy.folder ?? "INBOX";
  return pending.some(
    (p) =>
      (p.copy.folder ?? "INBOX") !== folder ||
      (p.copy.message.messageIdHeader !== null &&
        (named.has(p.copy.message.messageIdHeader) ||
          (p.copy.message.messageIdHeader === m.messageIdHeader && p.copy.message.contentHash === m.contentHash))) ||
      (subject.isReply && subject.key !== "" && p.subjectKey === subject.key && p.state.contactId === state.contactId),
  );
}
