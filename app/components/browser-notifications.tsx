"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useT } from "../i18n/client.tsx";
import { useTRPC } from "../trpc/client.ts";
import { notificationSentence } from "./notification-text.ts";

// Browser notifications (the Notification API) while a tab is open and the
// person has allowed them: the bell's unread count, which the live stream
// refreshes at once (live-updates.tsx), going up fetches the list, and each
// notice newer than any seen before pops up — if the user wants that kind in
// the browser (the list says so per item). Notices that were there when the
// page loaded never pop up. The tag makes several open tabs show one pop-up.
export function BrowserNotifications() {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const queryClient = useQueryClient();
  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions(undefined, { staleTime: 5_000 }) });
  const seen = useRef<number | null>(null);
  const previous = useRef<number | null>(null);
  const latest = useRef({ t, router });
  latest.current = { t, router };

  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const count = unread.data;
  useEffect(() => {
    if (count === undefined) return;
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    const grew = previous.current === null || count > previous.current;
    previous.current = count;
    if (!grew) return;
    // Not cancelled when the count changes again: the first answer sets the baseline, and a
    // later one only pops what is newer than everything seen (ids only grow).
    queryClient
      .fetchQuery(trpc.notifications.list.queryOptions(undefined, { staleTime: 0 }))
      .then((items) => {
        if (!mounted.current) return;
        const newest = items.reduce((max, n) => Math.max(max, n.id), 0);
        const baseline = seen.current;
        seen.current = Math.max(baseline ?? 0, newest);
        if (baseline === null) return;
        const { t: tr, router: r } = latest.current;
        for (const n of items) {
          if (n.id <= baseline || n.readAt || !n.browser) continue;
          const body = notificationSentence(tr, n.kind, {
            who: n.actor?.name || n.actor?.email || tr("notifications.someone"),
            subject: n.subject || tr("common.noSubject"),
          });
          const shown = new Notification(tr("notifications.title"), { body, tag: `yubin-notification-${n.id}` });
          shown.onclick = () => {
            window.focus();
            r.push(n.conversationId ? `/conversations/${n.conversationId}` : "/notifications");
          };
        }
      })
      .catch(() => {});
  }, [count, queryClient, trpc]);
  return null;
}
