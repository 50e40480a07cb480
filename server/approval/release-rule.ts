// Approval (確認者) at every door: whether mail a member writes as a mailbox
// may leave now or must wait for a reviewer. This is the one rule, and the
// doors ask it here: the web composer (sendOrHoldReply, which holds the
// editable composition) and submitMessage — the one way mail leaves Yubin,
// through which SMTP submission, the composer and any later door pass — which
// holds anything else that needs approval before a byte is queued. Only a
// reviewer's approval (approve-reply.ts) lets such mail through, by handing
// submitMessage a ReviewerRelease.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { approvalRole } from "./approval-roles.ts";

declare const releaseBrand: unique symbol;

/** A reviewer's approval of one held reply; made only by approveReply (approve-reply.ts). */
export interface ReviewerRelease {
  readonly pendingReplyId: number;
  readonly reviewerId: number;
  readonly [releaseBrand]: true;
}

/** True when mail the author writes as this mailbox must wait for a reviewer. */
export async function mustHoldForApproval(input: {
  authorId: number;
  mailboxId: AuthorizedMailboxId;
}): Promise<boolean> {
  return (await approvalRole({ userId: input.authorId, mailboxId: input.mailboxId })).needsApproval;
}
