// Queues the e-mail of notices created with mailPending (the recipient has
// e-mail on for the kind) on the outbound queue, one message per notice.
// Run by every process's housekeeping timer: FOR UPDATE SKIP LOCKED and the
// flag cleared in the same transaction as the enqueue make each notice
// mailed once however many processes race, and a crash before COMMIT leaves
// it pending for the next run. A notice about a mailbox the user has since
// left, or for a disabled user, is dropped: its subject is no longer theirs.
import { memberMailboxIds } from "../access/gate.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { enqueueTx } from "../outbound/enqueue.ts";
import { noticeMail } from "./notification-mail.ts";

export const MAIL_BATCH = 100;

interface PendingNotice {
  id: number;
  userId: number;
  kind: string;
  conversationId: number | null;
  email: string;
  locale: string | null;
  disabled: boolean;
  actorName: string | null;
  subject: string | null;
  mailboxId: number | null;
}

/** Queues at most one batch; returns the ids of the notices mailed. */
export async function mailPendingNotifications(input: {
  hostname: string;
  publicUrl: string;
  now: Date;
}): Promise<number[]> {
  return sqlTransaction(async (tx) => {
    const rows = await tx.$queryRaw<PendingNotice[]>`
      select n.id, n."userId", n.kind, n."conversationId", u.email, u.locale, u.disabled,
        a.name as "actorName", c.subject, c."mailboxId"
      from "Notification" n join "User" u on u.id = n."userId"
        left join "User" a on a.id = n."actorId"
        left join "Conversation" c on c.id = n."conversationId"
      where n."mailPending"
      order by n.id limit ${MAIL_BATCH}
      for update of n skip locked`;
    if (rows.length === 0) return [];
    await tx.$queryRaw`update "Notification" set "mailPending" = false where id = any(${rows.map((r) => r.id)}::int[])`;
    const mailed: number[] = [];
    const memberships = new Map<number, Set<number>>();
    for (const row of rows) {
      if (row.disabled) continue;
      let member = memberships.get(row.userId);
      if (!member) {
        member = new Set(await memberMailboxIds(row.userId));
        memberships.set(row.userId, member);
      }
      if (row.conversationId !== null && (row.mailboxId === null || !member.has(row.mailboxId))) continue;
      const mail = await noticeMail({
        to: { email: row.email, locale: row.locale },
        notice: {
          kind: row.kind,
          subject: row.subject ?? "",
          actorName: row.actorName,
          conversationId: row.conversationId,
        },
        hostname: input.hostname,
        publicUrl: input.publicUrl,
        now: input.now,
      });
      await enqueueTx(tx, {
        raw: mail.raw,
        mailFrom: "",
        recipients: [row.email],
        messageIdHeader: mail.messageIdHeader,
        now: input.now,
      });
      mailed.push(row.id);
    }
    return mailed;
  });
}
