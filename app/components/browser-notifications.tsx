"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useT } from "../i18n/client.tsx";
import { useTRPC, useTRPCClient } from "../trpc/client.ts";
import { notificationSentence } from "./notification-text.ts";

// Browser notifications (the Notification API) while a tab is open and the
// person has allowed them: the bell's unread count, which the live stream
// refreshes at once (live-updates.tsx), going up fetches the list, and each
// notice newer than any seen before pops up — if the user wants that kind in
// the browser (the list says so per item). The newest notice when the page was
// rendered (`after`, read by the server with the page) is the baseline, so
// notices that were there at page load never pop up, and one that arrives
// while the page is still loading does. Each growth fetches the list afresh,
// one fetch after the other: a fetch already in flight may have been answered
// before the new notice existed. The tag makes several open tabs show one pop-up.
export function BrowserNotifications({ after }: { after: number }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const t = useT();
  const router = useRouter();
  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions(undefined, { staleTime: 5_000 }) });
  const seen = useRef(after);
  const previous = useRef<number | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
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
    const grew = count > (previous.current ?? 0);
    previous.current = count;
    if (!grew) return;
    queue.current = queue.current.then(async () => {
      const items = await client.notifications.list.query().catch(() => null);
      if (!items || !mounted.current) return;
      const baseline = seen.current;
      seen.current = items.reduce((max, n) => Math.max(max, n.id), baseline);
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
    });
  }, [count, client]);
  return null;
}
