// A user's in-app notifications, newest first. A notice about a conversation
// of a mailbox the user has since left is hidden: its link would only 404, and
// one created while the user had the kind off in the app (shown = false; it
// exists only for its e-mail) is never listed.

import { memberMailboxIds } from "../access/gate.ts";
import { db } from "../db.ts";
import { notificationSettings } from "./notification-settings.ts";

export interface NotificationItem {
  id: number;
  kind: string;
  conversationId: number | null;
  subject: string;
  actor: { name: string; email: string } | null;
  /** The start of the note that mentioned the user, as plain text. */
  excerpt: string;
  readAt: Date | null;
  createdAt: Date;
  /** The user wants a browser notification for this kind (settings as they are now). */
  browser: boolean;
}

const LIST_LIMIT = 100;
const EXCERPT_CHARS = 160;

export async function listNotifications(userId: number): Promise<NotificationItem[]> {
  const mailboxIds = await memberMailboxIds(userId);
  const rows = await db().notification.findMany({
    where: { userId, shown: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LIST_LIMIT,
  });
  const conversationIds = [...new Set(rows.flatMap((r) => (r.conversationId ? [r.conversationId] : [])))];
  const noteIds = [...new Set(rows.flatMap((r) => (r.noteId ? [r.noteId] : [])))];
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const [conversations, notes, actors, settings] = await Promise.all([
    db().conversation.findMany({
      where: { id: { in: conversationIds }, mailboxId: { in: mailboxIds } },
      select: { id: true, subject: true },
    }),
    db().note.findMany({ where: { id: { in: noteIds } }, select: { id: true, body: true } }),
    db().user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } }),
    notificationSettings(userId),
  ]);
  const subjects = new Map(conversations.map((c) => [c.id, c.subject]));
  const bodies = new Map(notes.map((n) => [n.id, n.body]));
  const people = new Map(actors.map((a) => [a.id, { name: a.name, email: a.email }]));
  return rows
    .filter((r) => r.conversationId === null || subjects.has(r.conversationId))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      conversationId: r.conversationId,
      subject: (r.conversationId && subjects.get(r.conversationId)) || "",
      actor: (r.actorId && people.get(r.actorId)) || null,
      excerpt: ((r.noteId && bodies.get(r.noteId)) || "").slice(0, EXCERPT_CHARS),
      readAt: r.readAt,
      createdAt: r.createdAt,
      browser: settings.kinds[r.kind as keyof typeof settings.kinds]?.browser ?? false,
    }));
}

export async function unreadNotificationCount(userId: number): Promise<number> {
  const mailboxIds = await memberMailboxIds(userId);
  // Notification has no relation to Conversation in the schema: join by hand.
  const [row] = await db().$queryRaw<{ count: number }[]>`
    select count(*)::int as count
    from "Notification" n left join "Conversation" c on c.id = n."conversationId"
    where n."userId" = ${userId} and n."readAt" is null and n.shown
      and (n."conversationId" is null or c."mailboxId" = any(${mailboxIds}::int[]))`;
  return row?.count ?? 0;
}

/** The id of the user's newest notice (0 if none): a page remembers it so it pops up only what comes after. */
export async function newestNotificationId(userId: number): Promise<number> {
  const newest = await db().notification.findFirst({
    where: { userId },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return newest?.id ?? 0;
}
