"use client";
import { useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { PresenceNotice } from "../../server/realtime/presence-events.ts";
import { store as presence, reporter } from "./presence-store.ts";

// The shell's live feed (GET /api/live, Server-Sent Events). EventSource
// reconnects by itself and sends Last-Event-ID, so the server replays what
// was missed. The first event after a quiet spell refreshes at once (new
// mail shows without waiting); the rest of a burst costs one more refresh
// at the end of the window, however many events it holds. Presence events
// only feed the presence store (presence-store.ts): they change who is
// shown, never the page, so they cause no refresh.
const DEBOUNCE_MS = 300;
const RETRY_MS = 5_000;

/**
 * Each event (its notice, or null for a reset) is also dispatched on window under this
 * name, so that a list which keeps state of its own (the virtualised inbox list) can
 * re-check just the rows an event names instead of being reset by the refresh.
 */
export const LIVE_EVENT = "yubin:live";

export interface LiveNotice {
  id: number;
  mailboxId: number;
  conversationId: number | null;
  kind: string;
}

/** Whether an event concerns what this page shows. */
function relevant(pathname: string, notice: LiveNotice | null): boolean {
  if (!notice) return true; // a reset: everything may have changed
  if (pathname === "/inbox" || pathname.startsWith("/inbox/")) return true;
  const open = /^\/conversations\/(\d+)/.exec(pathname);
  return open ? Number(open[1]) === notice.conversationId : false;
}

export function LiveUpdates() {
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  // The effect opens one connection for the session; these follow the page without reconnecting.
  const path = useRef(pathname);
  path.current = pathname;
  const latest = useRef({ router, queryClient });
  latest.current = { router, queryClient };

  useEffect(() => {
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let refreshPage = false;
    let stopped = false;
    /** Events arrived during the quiet window after a refresh: one more refresh at its end. */
    let more = false;

    const flush = () => {
      const { router: r, queryClient: q } = latest.current;
      // Client-side queries (bell, delivery badges) refetch; the server-rendered page re-renders.
      q.invalidateQueries().catch(() => {});
      if (refreshPage) r.refresh();
      refreshPage = false;
    };
    const onEvent = (event: MessageEvent<string>) => {
      if (event.lastEventId) lastId = event.lastEventId;
      let notice: LiveNotice | null = null;
      if (event.type === "live") {
        try {
          notice = JSON.parse(event.data) as LiveNotice;
        } catch {
          return;
        }
      }
      window.dispatchEvent(new CustomEvent(LIVE_EVENT, { detail: notice }));
      if (relevant(path.current, notice)) refreshPage = true;
      if (timer) {
        more = true;
        return;
      }
      flush();
      const quiet = () => {
        timer = null;
        if (!more) return;
        more = false;
        flush();
        timer = setTimeout(quiet, DEBOUNCE_MS);
      };
      timer = setTimeout(quiet, DEBOUNCE_MS);
    };
    const connect = () => {
      if (stopped) return;
      const url = lastId ? `/api/live?after=${encodeURIComponent(lastId)}` : "/api/live";
      const next = new EventSource(url);
      source = next;
      next.addEventListener("live", onEvent);
      next.addEventListener("reset", onEvent);
      // The session was ended (signed out elsewhere, ended by an admin, the user disabled):
      // reloading lands on the sign-in page.
      next.addEventListener("ended", () => {
        stopped = true;
        next.close();
        window.location.reload();
      });
      next.addEventListener("ready", (event) => {
        if (event.lastEventId) lastId = event.lastEventId;
        try {
          const ready = JSON.parse(event.data) as { stream?: string; userId?: number };
          if (ready.stream && ready.userId) presence.connected(ready.stream, ready.userId);
        } catch {
          // An older server without presence.
        }
        document.documentElement.dataset.live = "connected";
      });
      next.addEventListener("presence-snapshot", (event) => {
        try {
          presence.replaceAll((JSON.parse(event.data) as { entries: PresenceNotice[] }).entries);
        } catch {
          // A malformed frame changes nothing.
        }
      });
      next.addEventListener("presence", (event) => {
        try {
          presence.apply(JSON.parse(event.data) as PresenceNotice);
        } catch {
          // A malformed frame changes nothing.
        }
      });
      next.onerror = () => {
        document.documentElement.dataset.live = "reconnecting";
        // The server ends this stream's presence; the next "ready" reports it again.
        presence.disconnected();
        // EventSource retries by itself unless the server refused (e.g. signed out): then we retry.
        if (next.readyState === EventSource.CLOSED) {
          next.close();
          retry = setTimeout(connect, RETRY_MS);
        }
      };
    };
    connect();
    const onPageHide = () => reporter.pageHidden();
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) reporter.streamChanged();
    };
    const onVisible = () => {
      if (document.visibilityState === "visible") reporter.wake();
    };
    window.addEventListener("pagehide", onPageHide);
    window.addEventListener("pageshow", onPageShow);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
      document.removeEventListener("visibilitychange", onVisible);
      presence.disconnected();
      source?.close();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
    };
  }, []);

  return null;
}
