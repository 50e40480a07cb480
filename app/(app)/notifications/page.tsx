import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { MarkAllRead, NotificationLink } from "./notification-actions.tsx";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const items = await (await serverCaller()).collaboration.notifications.list();
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <div className="mx-auto max-w-3xl">
      <div className="flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Notifications</h1>
        {unread ? <MarkAllRead /> : null}
      </div>
      {items.length === 0 ? (
        <p className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
          Nothing yet. When someone mentions you in a note, it shows up here.
        </p>
      ) : (
        <ul
          aria-label="Notifications"
          className="mt-6 divide-y divide-stone-100 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
        >
          {items.map((n) => (
            <li key={n.id}>
              <NotificationLink
                item={{
                  id: n.id,
                  conversationId: n.conversationId,
                  read: n.readAt !== null,
                  who: n.actor?.name || n.actor?.email || "Someone",
                  subject: n.subject || "(no subject)",
                  excerpt: n.excerpt,
                  at: n.createdAt.toISOString(),
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
