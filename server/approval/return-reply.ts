// A reviewer sends a held reply back to its author with a comment; nothing
// is sent. The author edits it in the composer ("edit and resend").

import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAX_RETURN_COMMENT_CHARS } from "../limits.ts";
import { notifyUsers } from "../notifications/notify.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { ALREADY_DECIDED, reviewableReply } from "./reviewable.ts";

export async function returnReply(input: {
  reviewerId: number;
  pendingReplyId: number;
  comment: string;
  ip?: string | null;
}): Promise<void> {
  const comment = input.comment.replace(/\r\n?/g, "\n").trim();
  if (!comment) throw new InputError("Say what to change: the comment is empty.");
  if (comment.length > MAX_RETURN_COMMENT_CHARS) {
    throw new InputError(`a comment has at most ${MAX_RETURN_COMMENT_CHARS} characters`);
  }
  const row = await reviewableReply(input.reviewerId, input.pendingReplyId);
  await sqlTransaction(async (tx) => {
    const [updated] = await tx.$queryRaw<{ id: number }[]>`
      update "PendingReply" set state = 'returned', "reviewerId" = ${input.reviewerId}, comment = ${comment},
        "decidedAt" = now()
      where id = ${row.id} and state = 'pending'
      returning id`;
    if (!updated) throw new InputError(ALREADY_DECIDED, "conflict");
    await recordConversationAudit(tx, {
      actorId: input.reviewerId,
      action: "reply.returned",
      conversationId: row.conversationId,
      after: { pendingReplyId: row.id, authorId: row.authorId },
      ip: input.ip,
    });
    await notifyUsers(tx, {
      userIds: [row.authorId],
      kind: "reply.returned",
      conversationId: row.conversationId,
      actorId: input.reviewerId,
      pendingReplyId: row.id,
    });
    await recordLiveEvent(tx, {
      mailboxId: row.mailboxId,
      conversationId: row.conversationId,
      kind: "reply.reviewed",
      actorId: input.reviewerId,
      payload: { pendingReplyId: row.id, state: "returned" },
    });
  });
}
