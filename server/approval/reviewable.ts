// Who may decide on a held reply: a reviewer of its mailbox (an admin who is
// a member counts), never its author. A reply in a mailbox the user may not
// see answers like one that does not exist.

import { type AuthorizedMailboxId, authorizeMailbox } from "../access/gate.ts";
import { db } from "../db.ts";
import { approvalRole } from "./approval-roles.ts";

/** Why the user may not decide on the reply. */
export type ReviewRefusal = "not_found" | "not_reviewer" | "own_reply";

export class ReviewRefused extends Error {
  constructor(readonly refusal: ReviewRefusal) {
    super(
      refusal === "not_found"
        ? "No such reply."
        : refusal === "own_reply"
          ? "You cannot approve or return your own reply."
          : "Only a reviewer of this mailbox may approve or return replies.",
    );
    this.name = "ReviewRefused";
  }
}

export const ALREADY_DECIDED = "This reply has already been approved or returned.";

export interface ReviewableReply {
  id: number;
  conversationId: number;
  mailboxId: AuthorizedMailboxId;
  authorId: number;
}

/** The held reply the reviewer may decide on; throws ReviewRefused otherwise. */
export async function reviewableReply(reviewerId: number, pendingReplyId: number): Promise<ReviewableReply> {
  const row = await db().pendingReply.findUnique({
    where: { id: pendingReplyId },
    select: { id: true, conversationId: true, mailboxId: true, authorId: true },
  });
  if (!row) throw new ReviewRefused("not_found");
  const mailboxId = await authorizeMailbox({ userId: reviewerId, mailboxId: row.mailboxId });
  if (!mailboxId) throw new ReviewRefused("not_found");
  if (!(await approvalRole({ userId: reviewerId, mailboxId })).reviewer) throw new ReviewRefused("not_reviewer");
  if (row.authorId === reviewerId) throw new ReviewRefused("own_reply");
  return { ...row, mailboxId };
}
