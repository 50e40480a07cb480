// Who may decide on a held reply: a reviewer of its mailbox (an admin who is
// a member counts), never its author. A reply in a mailbox the user may not
// see answers like one that does not exist, and so does a reply whose
// conversation is deleted: it waits, hidden with its conversation, and comes
// back when the conversation is restored (server/recovery/).

import { isDatabaseId } from "../access/database-id.ts";
import { type AuthorizedMailboxId, authorizeMailbox } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
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
  if (!isDatabaseId(pendingReplyId)) throw new ReviewRefused("not_found");
  const [row] = await sql.$queryRaw<{ id: number; conversationId: number; mailboxId: number; authorId: number }[]>`
    select p.id, p."conversationId", p."mailboxId", p."authorId"
    from "PendingReply" p join "Conversation" c on c.id = p."conversationId" and c."deletedAt" is null
    where p.id = ${pendingReplyId}::int`;
  if (!row) throw new ReviewRefused("not_found");
  const mailboxId = await authorizeMailbox({ userId: reviewerId, mailboxId: row.mailboxId });
  if (!mailboxId) throw new ReviewRefused("not_found");
  if (!(await approvalRole({ userId: reviewerId, mailboxId })).reviewer) throw new ReviewRefused("not_reviewer");
  if (row.authorId === reviewerId) throw new ReviewRefused("own_reply");
  return { id: row.id, conversationId: row.conversationId, mailboxId, authorId: row.authorId };
}
