// Creating notifications inside the caller's transaction, so a notice exists
// exactly when its event committed. The actor is never told of their own
// act, a disabled user is told nothing, and each recipient's setting for the
// kind decides whether the notice is listed in the app (shown) and whether an
// e-mail is still to be queued (mailPending; mail-notifications.ts sends it).
// A recipient with both off gets no row at all.
//
// write-message.ts repeats this insert inside its single statement for
// "customer.replied"; keep the two in step.
import type { RawSql } from "../db/raw-sql.ts";
import type { NotificationKind } from "./notification-kinds.ts";

export async function notifyUsers(
  tx: RawSql,
  input: {
    userIds: readonly number[];
    kind: NotificationKind;
    conversationId: number | null;
    actorId: number | null;
    noteId?: number | null;
    pendingReplyId?: number | null;
  },
): Promise<number[]> {
  const userIds = [...new Set(input.userIds)].filter((id) => id !== input.actorId);
  if (userIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ userId: number }[]>`
    insert into "Notification" ("userId", kind, "conversationId", "noteId", "actorId", "pendingReplyId", shown, "mailPending")
    select u.id, ${input.kind}, ${input.conversationId}::int, ${input.noteId ?? null}::int, ${input.actorId}::int,
      ${input.pendingReplyId ?? null}::int, coalesce(s."inApp", true), coalesce(s.email, false)
    from "User" u left join "NotificationSetting" s on s."userId" = u.id and s.kind = ${input.kind}
    where u.id = any(${userIds}::int[]) and not u.disabled
      and (coalesce(s."inApp", true) or coalesce(s.email, false))
    returning "userId"`;
  return rows.map((r) => r.userId);
}

/**
 * notifyUsers for many conversations in one statement (a bulk assignment): each pair is
 * one notice, with notifyUsers's rules (not the actor, not a disabled user, the
 * recipient's setting for the kind).
 */
export async function notifyUsersOfConversations(
  tx: RawSql,
  input: {
    kind: NotificationKind;
    actorId: number | null;
    notices: readonly { userId: number; conversationId: number }[];
  },
): Promise<void> {
  const notices = input.notices.filter((n) => n.userId !== input.actorId);
  if (notices.length === 0) return;
  await tx.$queryRaw`
    insert into "Notification" ("userId", kind, "conversationId", "noteId", "actorId", "pendingReplyId", shown, "mailPending")
    select u.id, ${input.kind}, p."conversationId", null, ${input.actorId}::int, null,
      coalesce(s."inApp", true), coalesce(s.email, false)
    from unnest(${notices.map((n) => n.userId)}::int[], ${notices.map((n) => n.conversationId)}::int[])
      with ordinality as p("userId", "conversationId", n)
    join "User" u on u.id = p."userId"
    left join "NotificationSetting" s on s."userId" = u.id and s.kind = ${input.kind}
    where not u.disabled and (coalesce(s."inApp", true) or coalesce(s.email, false))
    order by p.n`;
}
