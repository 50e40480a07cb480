import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { getT } from "../../i18n/server.ts";
import { MarkAllRead, NotificationLink } from "./notification-actions.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("notifications.title") };
}

export default async function NotificationsPage() {
  const items = await (await serverCaller()).notifications.list();
  const t = await getT();
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <div className="mx-auto max-w-3xl">
      <div className="flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">{t("notifications.title")}</h1>
        {unread ? <MarkAllRead /> : null}
      </div>
      {items.length === 0 ? (
        <p className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
          {t("notifications.emptyAll")}
        </p>
      ) : (
        <ul
          aria-label={t("notifications.title")}
          className="mt-6 divide-y divide-stone-100 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
        >
          {items.map((n) => (
            <li key={n.id}>
              <NotificationLink
                item={{
                  id: n.id,
                  kind: n.kind,
                  conversationId: n.conversationId,
                  read: n.readAt !== null,
                  who: n.actor?.name || n.actor?.email || t("notifications.someone"),
                  subject: n.subject || t("common.noSubject"),
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
