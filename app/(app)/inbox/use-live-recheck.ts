"use client";
// Live events name conversations. The first page comes again with the router
// refresh (use-list-rows.ts); rows loaded past it are re-checked here by id,
// so that a conversation further down shows its new state (or leaves the view)
// without the loaded pages being reset. Only the inbox is live.
import { type RefObject, useEffect, useRef } from "react";
import { LIVE_EVENT, type LiveNotice } from "../../components/live-updates.tsx";
import { useTRPCClient } from "../../trpc/client.ts";
import type { ConversationRow } from "./conversation-row.tsx";
import { mergeRechecked } from "./list-merge.ts";
import type { ListSource } from "./list-source.ts";
import type { LoadedRows } from "./use-list-rows.ts";
import type { ListVirtualizer } from "./use-list-virtualizer.ts";

/** The server's page size (workflow.inbox, search): rows past it were loaded by scrolling. */
const PAGE_SIZE = 50;
/** Live events are gathered this long before the named rows are re-checked (as LiveUpdates debounces). */
const RECHECK_DEBOUNCE_MS = 300;

export function useLiveRecheck({
  source,
  descending,
  rowsRef,
  update,
  virtualizer,
}: {
  source: ListSource;
  descending: boolean;
  rowsRef: RefObject<ConversationRow[]>;
  update: (change: (current: LoadedRows) => LoadedRows) => void;
  virtualizer: ListVirtualizer;
}): void {
  const client = useTRPCClient();
  const recheck = useRef({
    ids: new Set<number>(),
    visible: false,
    timer: null as ReturnType<typeof setTimeout> | null,
  });
  // Each refresh brings a new (equal) source object; the subscription and a pending re-check must survive it.
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const descendingRef = useRef(descending);
  descendingRef.current = descending;
  const live = source.kind === "inbox";
  useEffect(() => {
    if (!live) return;
    const pending = recheck.current;
    const run = async () => {
      pending.timer = null;
      const loaded = rowsRef.current;
      const deep = new Set(loaded.slice(PAGE_SIZE).map((r) => r.id));
      const ids = new Set([...pending.ids].filter((id) => deep.has(id)));
      // After a reset (events were lost) the rows on screen are re-checked.
      if (pending.visible) {
        for (const item of virtualizer.getVirtualItems()) {
          const row = loaded[item.index];
          if (row && deep.has(row.id)) ids.add(row.id);
        }
      }
      pending.ids.clear();
      pending.visible = false;
      const all = [...ids];
      for (let i = 0; i < all.length; i += PAGE_SIZE) {
        const chunk = all.slice(i, i + PAGE_SIZE);
        const view = sourceRef.current;
        if (view.kind !== "inbox") return;
        try {
          const page = await client.workflow.inbox.query({ ...view.query, ids: chunk });
          const found = page.items.map((r) => ({ ...r, lastMessageAt: String(r.lastMessageAt) }) as ConversationRow);
          update((current) => mergeRechecked(current, chunk, found, descendingRef.current));
        } catch {
          // The next event or refresh tries again; a stale row is better than an error here.
        }
      }
    };
    const onLive = (event: Event) => {
      const notice = (event as CustomEvent<LiveNotice | null>).detail;
      if (!notice) pending.visible = true;
      else if (notice.conversationId !== null) pending.ids.add(notice.conversationId);
      else return;
      pending.timer ??= setTimeout(run, RECHECK_DEBOUNCE_MS);
    };
    window.addEventListener(LIVE_EVENT, onLive);
    return () => {
      window.removeEventListener(LIVE_EVENT, onLive);
      if (pending.timer) clearTimeout(pending.timer);
      pending.timer = null;
    };
  }, [client, live, rowsRef, update, virtualizer]);
}
