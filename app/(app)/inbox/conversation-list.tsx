"use client";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { SHORTCUT_STEP } from "../../components/keyboard-shortcuts.tsx";
import { LIVE_EVENT, type LiveNotice } from "../../components/live-updates.tsx";
import { LocalTime } from "../../components/local-time.tsx";
import { PresenceAvatars } from "../../components/presence.tsx";
import { type ConversationStatus, StatusBadge } from "../../components/status-badge.tsx";
import { useI18n, useT } from "../../i18n/client.tsx";
import { useTRPCClient } from "../../trpc/client.ts";
import type { InboxQuery } from "./inbox-query.ts";
import { type ListCursor, mergeFirstPage, mergeRechecked } from "./list-merge.ts";

export interface ConversationRow {
  id: number;
  mailbox: { id: number; address: string; displayName: string };
  subject: string;
  customer: { name: string; email: string } | null;
  snippet: string;
  status: ConversationStatus;
  messageCount: number;
  lastMessageAt: string;
  tags?: { id: number; name: string }[];
  assignee?: { id: number; name: string } | null;
  snoozedUntil?: string | null;
  /** Some message of it is not \Seen yet. */
  unread?: boolean;
}

export type { ListCursor } from "./list-merge.ts";

/** Where the next pages come from: an inbox folder view, or a search. */
export type ListSource = { kind: "inbox"; query: InboxQuery } | { kind: "search"; q: string };

/** Rows are about this tall before they are measured; only a guess for the scrollbar. */
const ESTIMATED_ROW_PX = 108;
/** Rendered beyond the viewport on each side, so that j/k and fast scrolling rarely meet a blank. */
const OVERSCAN = 6;
/** Start fetching the next page this many rows before the last loaded one scrolls into view. */
const PREFETCH_ROWS = 15;
/** The server's page size (workflow.inbox, search): rows past it were loaded by scrolling. */
const PAGE_SIZE = 50;
/** Live events are gathered this long before the named rows are re-checked (as LiveUpdates debounces). */
const RECHECK_DEBOUNCE_MS = 300;

/**
 * The list re-renders on every scroll frame (the rendered window moves); a row already on
 * screen keeps its props, so it is not rendered again (its dates alone cost several Intl
 * formatters each).
 */
const StableRowLink = memo(function StableRowLink(props: Parameters<typeof ConversationRowLink>[0]) {
  return <ConversationRowLink {...props} />;
});

/**
 * The inbox (and search) rows as a virtualised list: only the rows near the viewport are in
 * the DOM, so 100,000 conversations scroll like 50. Scrolling near the end fetches the next
 * keyset page; "Load more" does the same for the keyboard. A live refresh (router.refresh
 * brings a new first page) is merged in by id, and rows further down that an event named
 * are re-checked, so loaded pages and the scroll position survive new mail.
 */
export function ConversationList({
  initial,
  initialCursor,
  source,
  label,
  total,
  showMailbox,
  labels,
}: {
  initial: ConversationRow[];
  initialCursor: ListCursor;
  source: ListSource;
  /** The list's accessible name. */
  label: string;
  /** How many conversations the view holds, when known (the folder count). */
  total?: number;
  showMailbox: boolean;
  labels?: Record<ConversationStatus, string>;
}) {
  const client = useTRPCClient();
  const t = useT();
  const { locale } = useI18n();
  const descending = source.kind === "search" || source.query.sort === "newest";
  const [list, setList] = useState({ rows: initial, cursor: initialCursor });
  const { rows, cursor } = list;
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  const focusSelected = useRef(false);
  const anchor = useRef<{ id: number; top: number } | null>(null);
  // For callbacks that outlive a render (events, timers).
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const selectedIdRef = useRef(selectedId);
  selectedIdRef.current = selectedId;

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN,
    scrollMargin,
    getItemKey: (index) => rows[index]?.id ?? index,
    // The keyboard selection stays rendered, so it keeps its focus and "o" finds it.
    rangeExtractor: (range) => {
      const indexes: number[] = [];
      const from = Math.max(0, range.startIndex - range.overscan);
      const to = Math.min(range.count - 1, range.endIndex + range.overscan);
      if (selectedIndex >= 0 && selectedIndex < from) indexes.push(selectedIndex);
      for (let i = from; i <= to; i++) indexes.push(i);
      if (selectedIndex > to && selectedIndex < range.count) indexes.push(selectedIndex);
      return indexes;
    },
    // Before hydration there is no window: the server renders the first screenful.
    initialRect: { width: 0, height: 1000 },
  });
  const items = virtualizer.getVirtualItems();

  /**
   * Applies a change to the rows, keeping the first row on screen where it was (unless the
   * reader is at the top, where new mail should simply appear). The row is found in the DOM:
   * the virtualiser's own scroll offset lags the window by a scroll event.
   */
  const update = useCallback((change: (current: { rows: ConversationRow[]; cursor: ListCursor }) => typeof current) => {
    const el = listRef.current;
    anchor.current = null;
    if (el && el.getBoundingClientRect().top < 0) {
      for (const li of el.querySelectorAll<HTMLElement>(":scope > li[data-index]")) {
        const row = rowsRef.current[Number(li.dataset.index)];
        const top = li.getBoundingClientRect().top;
        // Rows are in index order in the DOM except a kept selection; take the first on screen.
        if (row && top + li.offsetHeight > 0 && (anchor.current === null || top < anchor.current.top)) {
          anchor.current = { id: row.id, top };
        }
      }
    }
    setList(change);
  }, []);

  // A live refresh brings a new first page from the server: merge it, keep what was loaded below.
  const [shownInitial, setShownInitial] = useState(initial);
  if (initial !== shownInitial) {
    setShownInitial(initial);
    update((current) => mergeFirstPage(current, { rows: initial, cursor: initialCursor }, descending));
  }

  // Put the anchored row back where it was on the screen, before it is painted.
  useLayoutEffect(() => {
    const kept = anchor.current;
    anchor.current = null;
    if (!kept) return;
    const index = rows.findIndex((r) => r.id === kept.id);
    if (index < 0) return;
    const place = () => {
      const li = listRef.current?.querySelector(`:scope > li[data-index="${index}"]`);
      if (!li) return false;
      const drift = li.getBoundingClientRect().top - kept.top;
      // Through the virtualiser, so that its own corrections (rows measured later) start from here.
      if (Math.abs(drift) > 0.5) virtualizer.scrollToOffset(window.scrollY + drift);
      return true;
    };
    if (!place()) {
      // Not rendered (many rows came in above it): scroll to where the virtualiser puts it.
      const item = virtualizer.measurementsCache[index];
      if (item) virtualizer.scrollToOffset(item.start - kept.top);
    }
    // Rows that come into the rendered window are measured in the next frames and the
    // virtualiser moves what follows them (its estimate was a few pixels off): put the row
    // back to the pixel again then.
    let frames = 3;
    let id = requestAnimationFrame(function settle() {
      place();
      if (--frames > 0) id = requestAnimationFrame(settle);
    });
    return () => cancelAnimationFrame(id);
  }, [rows, virtualizer]);

  // The browser's own scroll anchoring picks something below the list when the reader is
  // at its end (the shell's sidebar footer grows with the page), keeps it in place as a
  // page arrives, and so scrolls to the new end and fetches again, and again. The list
  // anchors its rows itself (above), so the browser's anchoring is off while it is shown.
  useEffect(() => {
    const root = document.documentElement;
    const before = root.style.overflowAnchor;
    root.style.overflowAnchor = "none";
    return () => {
      root.style.overflowAnchor = before;
    };
  }, []);

  // Where the list starts on the page: measured when the data changes (a refresh may change
  // the filters above) and on resize, not on every scroll frame (it forces a layout).
  // biome-ignore lint/correctness/useExhaustiveDependencies: shownInitial changes with each refresh, the trigger.
  useLayoutEffect(() => {
    const measure = () => {
      const el = listRef.current;
      if (el) setScrollMargin(Math.round(el.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [shownInitial]);

  const loadingRef = useRef(false);
  const loadMore = useCallback(async () => {
    if (!cursor || loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    setError(null);
    try {
      const page =
        source.kind === "inbox"
          ? await client.workflow.inbox.query({ ...source.query, cursor })
          : await client.search.conversations.query({ q: source.q, cursor });
      const next = page.nextCursor
        ? { lastMessageAt: String(page.nextCursor.lastMessageAt), id: page.nextCursor.id }
        : null;
      setList((current) => {
        // A conversation that got new mail meanwhile moved to the top; never show it twice.
        const seen = new Set(current.rows.map((r) => r.id));
        const fresh = page.items
          .filter((r) => !seen.has(r.id))
          .map((r) => ({ ...r, lastMessageAt: String(r.lastMessageAt) }) as ConversationRow);
        // A live merge may have moved the cursor meanwhile; this page only counts if it continued it.
        if (current.cursor?.id !== cursor.id) return current;
        return { rows: [...current.rows, ...fresh], cursor: next };
      });
    } catch (e) {
      setError((e as Error).message || t("list.loadError"));
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }, [client, cursor, source, t]);

  // Infinite scroll: the next page is fetched before the reader reaches the end.
  const lastRendered = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (cursor && !error && lastRendered >= rows.length - PREFETCH_ROWS) loadMore();
  }, [cursor, error, lastRendered, rows.length, loadMore]);

  // Live events name conversations; rows loaded past the first page are re-checked by id
  // (the first page itself comes with the router refresh). Only the inbox is live.
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
  }, [client, live, update, virtualizer]);

  // j/k (app/components/keyboard-shortcuts.tsx) ask the list to move: most rows are not in the DOM.
  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const onStep = (event: Event) => {
      const by = (event as CustomEvent<1 | -1>).detail;
      const current = rowsRef.current;
      if (!current.length) return;
      event.preventDefault();
      // From the row in focus (the reader may have tabbed or clicked), unless a step is still on its way there.
      const focused = (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>("li[data-index]");
      let at = focused && el.contains(focused) && !focusSelected.current ? Number(focused.dataset.index) : -1;
      if (at < 0) at = selectedIdRef.current === null ? -1 : current.findIndex((r) => r.id === selectedIdRef.current);
      const next = at < 0 ? 0 : Math.min(current.length - 1, Math.max(0, at + by));
      const id = current[next]?.id ?? null;
      focusSelected.current = true;
      selectedIdRef.current = id;
      // Rendered (the selection always is) and focused before the key's handler returns, as for other lists.
      flushSync(() => setSelectedId(id));
      virtualizer.scrollToIndex(next, { align: "auto" });
    };
    // A row focused otherwise (Tab, a click) becomes the selection: j/k go on from it, and
    // it stays rendered, so scrolling it out of view does not drop the focus to the page.
    const onFocus = (event: FocusEvent) => {
      const li = (event.target as HTMLElement | null)?.closest?.<HTMLElement>("li[data-index]");
      const id = li ? rowsRef.current[Number(li.dataset.index)]?.id : undefined;
      if (id === undefined || id === selectedIdRef.current) return;
      selectedIdRef.current = id;
      setSelectedId(id);
    };
    el.addEventListener(SHORTCUT_STEP, onStep);
    el.addEventListener("focusin", onFocus);
    return () => {
      el.removeEventListener(SHORTCUT_STEP, onStep);
      el.removeEventListener("focusin", onFocus);
    };
  }, [virtualizer]);
  // The selection is marked on the row's link (aria-current, as for other lists) and focused after a step.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    for (const link of el.querySelectorAll<HTMLElement>("li > a[data-shortcut-selected]")) {
      delete link.dataset.shortcutSelected;
      link.removeAttribute("aria-current");
    }
    if (selectedIndex < 0) return;
    const link = el.querySelector<HTMLElement>(`li[data-index="${selectedIndex}"] > a`);
    if (!link) return;
    link.dataset.shortcutSelected = "true";
    link.setAttribute("aria-current", "true");
    if (focusSelected.current) {
      focusSelected.current = false;
      link.focus({ preventScroll: true });
    }
  });

  const number = useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const known = total !== undefined && total >= rows.length;
  return (
    <div>
      <p className="mt-6 text-right text-xs text-slate-500 tabular-nums" data-testid="list-count">
        {known
          ? t("list.loadedOf", { loaded: number.format(rows.length), total: number.format(total) })
          : t("list.loaded", { loaded: number.format(rows.length) })}
      </p>
      <ul
        ref={listRef}
        aria-label={label}
        data-conversation-list=""
        className="relative mt-2 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <li
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              aria-setsize={known ? total : -1}
              aria-posinset={item.index + 1}
              className={`absolute top-0 left-0 w-full ${item.index < rows.length - 1 ? "border-b border-stone-100" : ""}`}
              style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
            >
              <StableRowLink row={row} showMailbox={showMailbox} labels={labels} />
            </li>
          );
        })}
      </ul>
      {error ? (
        <p role="alert" className="mt-4 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
      {cursor ? (
        <div className="mt-4 flex justify-center">
          <button
            type="button"
            onClick={loadMore}
            disabled={loading}
            aria-busy={loading}
            className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60"
          >
            {loading ? t("list.loading") : t("list.loadMore")}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** One conversation as a row linking to it; the inbox and the search results share it. */
export function ConversationRowLink({
  row,
  showMailbox,
  labels,
}: {
  row: ConversationRow;
  showMailbox: boolean;
  labels?: Record<ConversationStatus, string>;
}) {
  const t = useT();
  const who = row.customer?.name || row.customer?.email || t("list.unknownSender");
  return (
    <Link
      href={`/conversations/${row.id}`}
      className="block px-5 py-4 hover:bg-stone-50 focus-visible:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none focus-visible:ring-inset"
    >
      <div className="flex items-baseline justify-between gap-4">
        <p className="min-w-0 truncate text-sm">
          <span className="font-semibold text-slate-900">{who}</span>
          {row.customer?.name && row.customer.email ? (
            <span className="ml-2 text-slate-500">{row.customer.email}</span>
          ) : null}
        </p>
        <span className="shrink-0 text-xs text-slate-500 tabular-nums">
          <LocalTime iso={row.lastMessageAt} />
        </span>
      </div>
      <div className="mt-1 flex items-center gap-2">
        {row.unread ? (
          <span className="size-2 shrink-0 rounded-full bg-sky-600" data-unread="true">
            <span className="sr-only">{t("list.unread")}</span>
          </span>
        ) : null}
        <p
          className={`min-w-0 truncate text-sm ${row.unread ? "font-bold text-slate-950" : "font-medium text-slate-800"}`}
        >
          {row.subject || t("common.noSubject")}
        </p>
        {row.messageCount > 1 ? (
          <span className="shrink-0 rounded-full bg-stone-100 px-1.5 text-xs text-slate-600 tabular-nums">
            {row.messageCount}
            <span className="sr-only">{t("list.messages")}</span>
          </span>
        ) : null}
        <PresenceAvatars conversationId={row.id} />
      </div>
      {row.snippet ? <p className="mt-0.5 truncate text-sm text-slate-500">{row.snippet}</p> : null}
      <div className="mt-2 flex items-center gap-2">
        <StatusBadge status={row.status} label={labels?.[row.status]} />
        {row.assignee !== undefined ? (
          <span className="truncate text-xs text-slate-600" data-testid="assignee">
            {row.assignee ? t("list.assignedTo", { name: row.assignee.name }) : t("list.unassigned")}
          </span>
        ) : null}
        {row.snoozedUntil && new Date(row.snoozedUntil) > new Date() ? (
          <span className="text-xs text-violet-800">
            {t("list.snoozedUntil")} <LocalTime iso={row.snoozedUntil} />
          </span>
        ) : null}
        {row.tags?.map((tag) => (
          <span
            key={tag.id}
            className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-200"
          >
            {tag.name}
          </span>
        ))}
        {showMailbox ? (
          <span className="truncate text-xs text-slate-500" title={row.mailbox.address}>
            {row.mailbox.displayName || row.mailbox.address}
          </span>
        ) : null}
      </div>
    </Link>
  );
}
