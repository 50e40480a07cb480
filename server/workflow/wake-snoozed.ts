// Returns snoozed conversations to Open when their time comes. Every Yubin
// process runs it on a timer (cli/roles/housekeeping.ts); FOR UPDATE SKIP LOCKED and
// the re-checked "snoozedUntil <= now()" make each conversation wake exactly
// once however many processes race. The inbox already treats a past
// snoozedUntil as awake, so the timer's period only delays the audit/live event.

import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { notifyUsers } from "../notifications/notify.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";

export const WAKE_BATCH = 500;

/** Wakes the conversations due at `now` (at most one batch); returns their ids. */
export async function wakeSnoozed(now = new Date()): Promise<number[]> {
  return sqlTransaction(async (tx) => {
    // Served by the partial index "Conversation_snoozedUntil_sql" (snoozed rows only).
    const woken = await tx.$queryRaw<
      { id: number; mailboxId: number; previous: string; until: Date; assigneeId: number | null }[]
    >`
      with due as (
        select id, status, "snoozedUntil" from "Conversation"
        where "snoozedUntil" <= ${now}::timestamptz
        order by "snoozedUntil" limit ${WAKE_BATCH}
        for update skip locked
      )
      update "Conversation" c set "snoozedUntil" = null, status = 'open', "updatedAt" = now()
      from due where c.id = due.id
      returning c.id, c."mailboxId", c."assigneeId", due.status::text as previous, due."snoozedUntil" as until`;
    for (const row of woken) {
      await recordConversationAudit(tx, {
        actorId: null,
        action: "conversation.woke",
        conversationId: row.id,
        before: { status: row.previous, snoozedUntil: row.until },
        after: { status: "open" },
      });
      // "A conversation of mine": its assignee; nobody acted, so nobody is left out.
      if (row.assigneeId !== null) {
        await notifyUsers(tx, {
          userIds: [row.assigneeId],
          kind: "conversation.woke",
          conversationId: row.id,
          actorId: null,
        });
      }
      await recordLiveEvent(tx, {
        mailboxId: row.mailboxId,
        conversationId: row.id,
        kind: "conversation.snoozed",
        actorId: null,
        payload: { snoozedUntil: null, woke: true, status: "open" },
      });
    }
    return woken.map((r) => r.id);
  });
}
