// A reviewer approves a held reply: it goes out as its author's send would
// have — a composition through sendReply, a submitted message through
// submitMessage with its exact bytes and envelope — From the shared
// mailbox, under the author's own grant from the gate, and recorded as
// approved by the reviewer. It carries a ReviewerRelease, the only thing that
// lets mail needing approval past the release rule (release-rule.ts).
//
// Approving claims the row first (UPDATE … WHERE state = 'pending' RETURNING),
// so two reviewers clicking at once send once: the second is told it is
// already decided. A send that fails puts the row back to pending.
//
// Stale-send guard: the reply was written against the messages there were
// when it was held. A message that arrived since holds the approval with the
// same "new activity" conflict the composer shows; the reviewer's second
// click (confirmNewActivity) sends anyway.

import { authorizeMailbox, authorizeMessage, mailboxesForLogin } from "../access/gate.ts";
import { sendReply } from "../compose/send-reply.ts";
import { NEW_ACTIVITY_MESSAGE } from "../compose/validate-composition.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { notifyUsers } from "../notifications/notify.ts";
import { type SendHook, submitMessage } from "../outbound/submit-message.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import type { HeldPayload, HeldSubmission } from "./held-reply.ts";
import type { ReviewerRelease } from "./release-rule.ts";
import { ALREADY_DECIDED, type ReviewableReply, reviewableReply } from "./reviewable.ts";

export async function approveReply(input: {
  reviewerId: number;
  pendingReplyId: number;
  confirmNewActivity?: boolean;
  hostname: string;
  ip?: string | null;
  now?: Date;
}): Promise<{ messageId: number | null; conversationId: number }> {
  const row = await reviewableReply(input.reviewerId, input.pendingReplyId);
  // The author sends (send-as is checked for them), so they must still be a member.
  if (!(await authorizeMailbox({ userId: row.authorId, mailboxId: row.mailboxId }))) {
    throw new InputError("The author is no longer a member of this mailbox: return the reply instead.", "conflict");
  }
  // The claim: from here until the send commits the reply is "approved" with no
  // sentMessageId. The send's own transaction records sentMessageId, the audit
  // and the live event only if this claim still stands (decidedAt unchanged):
  // if releaseStalledApprovals gave the reply back meanwhile, this send rolls back.
  const [claimed] = await sql.$queryRaw<{ payload: HeldPayload; blobSha256: string | null; decidedAt: Date }[]>`
    update "PendingReply" set state = 'approved', "reviewerId" = ${input.reviewerId}, "decidedAt" = clock_timestamp()
    where id = ${row.id} and state = 'pending'
    returning payload, "blobSha256", "decidedAt"`;
  if (!claimed) throw new InputError(ALREADY_DECIDED, "conflict");
  const release = { pendingReplyId: row.id, reviewerId: input.reviewerId } as ReviewerRelease;
  const withinTransaction: SendHook = async (tx, { storedMessageId }) => {
    const [held] = await tx.$queryRaw<{ id: number }[]>`
      update "PendingReply" set "sentMessageId" = ${storedMessageId}::int
      where id = ${row.id} and state = 'approved' and "sentMessageId" is null
        and "decidedAt" = ${claimed.decidedAt}::timestamptz
      returning id`;
    if (!held) throw new InputError(ALREADY_DECIDED, "conflict");
    await recordConversationAudit(tx, {
      actorId: input.reviewerId,
      action: "reply.approved",
      conversationId: row.conversationId,
      after: { pendingReplyId: row.id, authorId: row.authorId, messageId: storedMessageId },
      ip: input.ip,
    });
    await notifyUsers(tx, {
      userIds: [row.authorId],
      kind: "reply.approved",
      conversationId: row.conversationId,
      actorId: input.reviewerId,
      pendingReplyId: row.id,
    });
    await recordLiveEvent(tx, {
      mailboxId: row.mailboxId,
      conversationId: row.conversationId,
      kind: "reply.reviewed",
      actorId: input.reviewerId,
      payload: { pendingReplyId: row.id, state: "approved", messageId: storedMessageId },
    });
  };
  const p = claimed.payload;
  let messageId: number | null;
  try {
    if (p.source === "submission") {
      messageId = await sendSubmission(row, p, claimed.blobSha256, { ...input, release, withinTransaction });
    } else {
      const message = await authorizeMessage({ userId: row.authorId, messageId: p.messageId });
      if (!message) throw new InputError("no such message", "not_found");
      const { source: _source, heldAfterMessageId, ...composition } = p;
      const sent = await sendReply({
        actorId: row.authorId,
        message,
        composition: { ...composition, attachments: composition.attachments ?? [] },
        guard: { seenMessageId: heldAfterMessageId, confirmNewActivity: input.confirmNewActivity },
        hostname: input.hostname,
        now: input.now,
        withinTransaction,
        release,
      });
      messageId = sent.messageId;
    }
  } catch (e) {
    // Nothing was sent: the reply waits again (unless the claim was already given back).
    await sql.$queryRaw`
      update "PendingReply" set state = 'pending', "reviewerId" = null, "decidedAt" = null
      where id = ${row.id} and state = 'approved' and "sentMessageId" is null
        and "decidedAt" = ${claimed.decidedAt}::timestamptz`;
    throw e;
  }
  return { messageId, conversationId: row.conversationId };
}

/** A held submission: its exact bytes and envelope, as the author's client sent them. */
async function sendSubmission(
  row: ReviewableReply,
  p: HeldSubmission,
  blobSha256: string | null,
  options: {
    confirmNewActivity?: boolean;
    hostname: string;
    now?: Date;
    release: ReviewerRelease;
    withinTransaction: SendHook;
  },
): Promise<number | null> {
  if (!options.confirmNewActivity) {
    const [newer] = await sql.$queryRaw<{ id: number }[]>`
      select id from "Message" where "conversationId" = ${row.conversationId}::int and id > ${p.heldAfterMessageId}::int
      limit 1`;
    if (newer) throw new InputError(NEW_ACTIVITY_MESSAGE, "conflict");
  }
  const raw = blobSha256 ? await getBlob(blobSha256) : null;
  if (!raw) throw new InputError("The held message could not be read.", "conflict");
  // The author's grant now, as their client's session would get it (a scoped app password stays scoped).
  const granted = await mailboxesForLogin({ user: { id: row.authorId }, mailboxId: p.scopeMailboxId });
  const result = await submitMessage({
    userId: row.authorId,
    sendAs: granted.map((m) => m.mailboxId),
    mailFrom: p.mailFrom,
    recipients: p.recipients,
    raw,
    hostname: options.hostname,
    now: options.now,
    withinTransaction: options.withinTransaction,
    release: options.release,
  });
  if (!result.ok) throw new InputError(result.message, "conflict");
  // With a release, submitMessage never holds again.
  return result.held ? null : result.storedMessageId;
}
