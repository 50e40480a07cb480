// Where held replies are shown: in their conversation (to every member of its
// mailbox) and in a reviewer's queue across the mailboxes they review.

import type { AuthorizedConversation } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { db } from "../db.ts";
import { reviewedMailboxIds } from "./approval-roles.ts";
import { forwardedOriginals } from "./held-attachments.ts";
import { PENDING_REPLY_SELECT, type PendingReplyRow, type PendingReplyView, pendingReplyView } from "./held-reply.ts";

/** The conversation's held replies, oldest first. */
export async function conversationPendingReplies(conversation: AuthorizedConversation): Promise<PendingReplyView[]> {
  const rows = await db().$queryRawUnsafe<PendingReplyRow[]>(
    `${PENDING_REPLY_SELECT} where p."conversationId" = $1 order by p."createdAt", p.id`,
    conversation.conversationId,
  );
  const originals = await forwardedOriginals(rows.map((r) => r.payload));
  return rows.map((r) => pendingReplyView(r, originals));
}

/**
 * Replies waiting for this reviewer (in every mailbox they review), oldest
 * first; their own are left out, and so are those of a deleted conversation
 * (they return with it when it is restored).
 */
export async function reviewQueue(userId: number): Promise<(PendingReplyView & { conversationSubject: string })[]> {
  const mailboxIds = await reviewedMailboxIds(userId);
  if (mailboxIds.length === 0) return [];
  const rows = await db().$queryRawUnsafe<(PendingReplyRow & { conversationSubject: string | null })[]>(
    `select q.*, c.subject as "conversationSubject" from (${PENDING_REPLY_SELECT}
       where p."mailboxId" = any($1::int[]) and p.state = 'pending' and p."authorId" <> $2) q
     join "Conversation" c on c.id = q."conversationId" and c."deletedAt" is null
     order by q."createdAt", q.id limit 500`,
    mailboxIds,
    userId,
  );
  const originals = await forwardedOriginals(rows.map((r) => r.payload));
  return rows.map((r) => ({ ...pendingReplyView(r, originals), conversationSubject: r.conversationSubject ?? "" }));
}

export async function reviewQueueCount(userId: number): Promise<number> {
  const mailboxIds = await reviewedMailboxIds(userId);
  if (mailboxIds.length === 0) return 0;
  const [row] = await sql.$queryRaw<{ count: number }[]>`
    select count(*)::int as count
    from "PendingReply" p join "Conversation" c on c.id = p."conversationId" and c."deletedAt" is null
    where p."mailboxId" = any(${mailboxIds}::int[]) and p.state = 'pending' and p."authorId" <> ${userId}::int`;
  return row?.count ?? 0;
}
