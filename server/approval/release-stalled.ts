// The sweeper: gives back replies whose approval was claimed but never sent
// because the process that claimed them died between the claim and the
// send's commit. The send records sentMessageId in its own transaction
// (approve-reply.ts), so a claim without it means nothing left Yubin; a late
// send of a claim given back rolls back. Runs with the snooze waker in every
// process (cli/roles/housekeeping.ts).

import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";

/** How long an approval may take to send before it counts as abandoned (its process died). */
export const STALLED_APPROVAL_MS = 5 * 60_000;

export async function releaseStalledApprovals(now = new Date()): Promise<number[]> {
  const cutoff = new Date(now.getTime() - STALLED_APPROVAL_MS);
  return sqlTransaction(async (tx) => {
    const released = await tx.$queryRaw<
      { id: number; conversationId: number; mailboxId: number; reviewerId: number | null }[]
    >`
      with stalled as (
        select id, "reviewerId" from "PendingReply"
        where state = 'approved' and "sentMessageId" is null and "decidedAt" < ${cutoff}::timestamptz
        for update skip locked
      )
      update "PendingReply" p set state = 'pending', "reviewerId" = null, "decidedAt" = null
      from stalled where p.id = stalled.id
      returning p.id, p."conversationId", p."mailboxId", stalled."reviewerId"`;
    for (const r of released) {
      await recordConversationAudit(tx, {
        actorId: null,
        action: "reply.approval_released",
        conversationId: r.conversationId,
        before: { pendingReplyId: r.id, state: "approved", reviewerId: r.reviewerId },
        after: { pendingReplyId: r.id, state: "pending" },
      });
      await recordLiveEvent(tx, {
        mailboxId: r.mailboxId,
        conversationId: r.conversationId,
        kind: "reply.reviewed",
        actorId: null,
        payload: { pendingReplyId: r.id, state: "pending" },
      });
    }
    return released.map((r) => r.id);
  });
}
