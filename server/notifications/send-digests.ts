// The daily digest: one e-mail per user per day listing the notices still
// unread, for users who chose it in Settings. "Day" is the user's own
// (their time zone, else UTC), and nothing is sent before DIGEST_HOUR there,
// so it arrives with the working day. The NotificationDigest row for
// (user, day) is the claim, inserted in the same transaction as the enqueue:
// one e-mail a day however many processes run this. A user with nothing
// unread gets no e-mail (and no claim, so notices later that day still get
// one). The clock is a parameter: tests pass the day they mean.
import { memberMailboxIds } from "../access/gate.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { enqueueTx } from "../outbound/enqueue.ts";
import { isTimeZone } from "../users/set-preferences.ts";
import { digestMail } from "./notification-mail.ts";

export const DIGEST_HOUR = 8;
/** At most this many notices are listed; the rest are behind the link to the app. */
export const DIGEST_ITEMS = 50;

/** The user's calendar day (YYYY-MM-DD) and hour at `now`. */
export function localDay(now: Date, timeZone: string | null): { day: string; hour: number } {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : "UTC";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** Sends the digests due at `now`; returns the ids of the users mailed. */
export async function sendDigests(input: { hostname: string; publicUrl: string; now: Date }): Promise<number[]> {
  const users = await sql.$queryRaw<{ id: number; email: string; locale: string | null; timeZone: string | null }[]>`
    select u.id, u.email, u.locale, u."timeZone" from "User" u
    where u."notificationDigest" and not u.disabled
      -- Sends happen at DIGEST_HOUR or later, so two days' digests are more than 8 hours apart:
      -- a user mailed since then is not due, and is not looked at again every run.
      and not exists (select 1 from "NotificationDigest" d where d."userId" = u.id
        and d."sentAt" > ${input.now}::timestamptz - interval '8 hours')
      and exists (select 1 from "Notification" n where n."userId" = u.id and n.shown and n."readAt" is null
        and n."createdAt" <= ${input.now}::timestamptz)`;
  const sent: number[] = [];
  for (const user of users) {
    const { day, hour } = localDay(input.now, user.timeZone);
    if (hour < DIGEST_HOUR) continue;
    const mailboxIds = await memberMailboxIds(user.id);
    const done = await sqlTransaction(async (tx) => {
      const notices = await tx.$queryRaw<
        { kind: string; conversationId: number | null; subject: string | null; actorName: string | null }[]
      >`
        select n.kind, n."conversationId", c.subject, a.name as "actorName"
        from "Notification" n left join "Conversation" c on c.id = n."conversationId"
          left join "User" a on a.id = n."actorId"
        where n."userId" = ${user.id} and n.shown and n."readAt" is null and n."createdAt" <= ${input.now}::timestamptz
          and (n."conversationId" is null or c."mailboxId" = any(${mailboxIds}::int[]))
        order by n."createdAt" desc, n.id desc limit ${DIGEST_ITEMS}`;
      if (notices.length === 0) return false;
      const [claimed] = await tx.$queryRaw<{ userId: number }[]>`
        insert into "NotificationDigest" ("userId", day, "sentAt") values (${user.id}, ${day}::date, ${input.now})
        on conflict do nothing returning "userId"`;
      if (!claimed) return false;
      const mail = await digestMail({
        to: { email: user.email, locale: user.locale },
        notices: notices.map((n) => ({ ...n, subject: n.subject ?? "" })),
        hostname: input.hostname,
        publicUrl: input.publicUrl,
        now: input.now,
      });
      await enqueueTx(tx, {
        raw: mail.raw,
        mailFrom: "",
        recipients: [user.email],
        messageIdHeader: mail.messageIdHeader,
        now: input.now,
      });
      return true;
    });
    if (done) sent.push(user.id);
  }
  return sent;
}
