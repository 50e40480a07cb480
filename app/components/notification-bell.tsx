"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useT } from "../i18n/client.tsx";
import { useTRPC } from "../trpc/client.ts";
import { BrowserNotifications } from "./browser-notifications.tsx";

// Polled as a fallback; the live helper's push invalidates this query sooner.
const POLL_MS = 30_000;

/** The shell's bell: unread notifications, linking to the list; `newestNoticeId` as the page was rendered. */
export function NotificationBell({ newestNoticeId }: { newestNoticeId: number }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const t = useT();
  const unread = useQuery({
    ...trpc.notifications.unreadCount.queryOptions(undefined, { staleTime: 5_000 }),
    refetchInterval: POLL_MS,
  });
  const count = unread.data ?? 0;
  const active = pathname === "/notifications";
  return (
    <Link
      href="/notifications"
      aria-label={count ? t("shell.notificationsUnread", { count }) : t("shell.notifications")}
      aria-current={active ? "page" : undefined}
      data-testid="notification-bell"
      className={`flex items-center justify-between rounded-md px-3 py-2 text-sm font-medium ${
        active ? "bg-stone-100 text-slate-900" : "text-slate-600 hover:bg-stone-50 hover:text-slate-900"
      }`}
    >
      <span className="flex items-center gap-2">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4">
          <path d="M10 2a6 6 0 0 0-6 6v2.59l-1.7 1.7A1 1 0 0 0 3 14h14a1 1 0 0 0 .7-1.7L16 10.58V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" />
        </svg>
        {t("shell.notifications")}
        <BrowserNotifications after={newestNoticeId} />
      </span>
      {count ? (
        <span
          data-testid="notification-count"
          className="rounded-full bg-rose-600 px-1.5 text-xs font-semibold text-white tabular-nums"
        >
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}
