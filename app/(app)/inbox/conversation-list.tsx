"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { rememberList } from "../../components/next-conversation.ts";
import type { ConversationStatus } from "../../components/status-badge.tsx";
import { useI18n, useT } from "../../i18n/client.tsx";
import { BulkBar } from "./bulk-bar.tsx";
import type { ConversationRow, Density } from "./conversation-row.tsx";
import { StableRowLink } from "./conversation-row.tsx";
import type { ListCursor } from "./list-merge.ts";
import { type ListSource, newestFirst } from "./list-source.ts";
import { READING_PANE_QUERY } from "./reading-pane-width.ts";
import { useBulkSelection } from "./use-bulk-selection.ts";
import { useListKeyboard, useListSelection } from "./use-list-keyboard.ts";
import { useListPaging } from "./use-list-paging.ts";
import { useListRows } from "./use-list-rows.ts";
import { useListVirtualizer } from "./use-list-virtualizer.ts";
import { useLiveRecheck } from "./use-live-recheck.ts";
import { useRestoreAnchor } from "./use-scroll-anchor.ts";

/**
 * The inbox (and search) rows as a virtualised list (use-list-virtualizer.ts): only the rows
 * near the viewport are in the DOM, so 100,000 conversations scroll like 50. Scrolling near
 * the end fetches the next keyset page; "Load more" does the same for the keyboard
 * (use-list-paging.ts). A live refresh brings a new first page, merged in by id
 * (use-list-rows.ts), and rows further down that an event named are re-checked
 * (use-live-recheck.ts), so loaded pages and the scroll position (use-scroll-anchor.ts)
 * survive new mail. j/k move a selection that stays rendered (use-list-keyboard.ts).
 * In the inbox each row has a checkbox for bulk actions (bulk-bar.tsx).
 */
export function ConversationList({
  initial,
  initialCursor,
  source,
  label,
  total,
  showMailbox,
  labels,
  assignees,
  density = "comfortable",
  now: serverNow,
  readingPane = false,
  openId,
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
  /** Who a bulk action may assign to (the inbox's filter options); given, the rows have checkboxes. */
  assignees?: { id: number; name: string; email: string }[];
  density?: Density;
  /** The server's clock when it rendered (epoch ms): waiting times start from it, then follow the browser's. */
  now?: number;
  /** The reader wants conversations opened beside the list on wide screens (User.readingPane). */
  readingPane?: boolean;
  /** The conversation in the reading pane. */
  openId?: number;
}) {
  const t = useT();
  const { locale } = useI18n();
  const descending = newestFirst(source);
  const listRef = useRef<HTMLUListElement>(null);
  const { rows, cursor, rowsRef, setList, update, anchor, shownInitial } = useListRows({
    initial,
    initialCursor,
    descending,
    listRef,
  });
  const selection = useListSelection();
  const selectedIndex = selection.selectedId === null ? -1 : rows.findIndex((r) => r.id === selection.selectedId);
  const virtualizer = useListVirtualizer({ rows, selectedIndex, listRef, remeasureOn: shownInitial, density });
  const items = virtualizer.getVirtualItems();
  useRestoreAnchor({ anchor, rows, listRef, virtualizer });
  const { loadMore, loading, error } = useListPaging({
    source,
    cursor,
    rowCount: rows.length,
    lastRendered: items.at(-1)?.index ?? -1,
    setList,
  });
  useLiveRecheck({ source, descending, rowsRef, update, virtualizer });
  const bulk = useBulkSelection(rowsRef);
  const selectable = source.kind === "inbox" && assignees !== undefined;
  const toggle = bulk.toggle;
  const onToggle = useCallback((id: number) => toggle(id), [toggle]);
  useListKeyboard({
    listRef,
    rowsRef,
    selection,
    selectedIndex,
    virtualizer,
    onToggle: selectable ? onToggle : undefined,
  });
  // "Next conversation" after a send or a close follows this list (next-conversation.ts).
  useEffect(() => rememberList(rows.map((r) => r.id)), [rows]);

  // Waiting times count on while the list is open; the first render uses the server's clock (no hydration mismatch).
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (serverNow === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [serverNow]);
  // With the reading pane on and room for it, a plain click opens the conversation beside the
  // list (the inbox URL with ?open=); otherwise the link goes to the conversation's page.
  const router = useRouter();
  const onOpen = useCallback(
    (id: number) => {
      if (!readingPane || !window.matchMedia(READING_PANE_QUERY).matches) return false;
      const url = new URL(window.location.href);
      url.searchParams.set("open", String(id));
      router.push(`${url.pathname}${url.search}`, { scroll: false });
      return true;
    },
    [readingPane, router],
  );

  const number = useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const known = total !== undefined && total >= rows.length;
  return (
    <div>
      <p className="mt-6 text-right text-xs text-slate-500 tabular-nums" data-testid="list-count">
        {known
          ? t("list.loadedOf", { loaded: number.format(rows.length), total: number.format(total) })
          : t("list.loaded", { loaded: number.format(rows.length) })}
      </p>
      {selectable && source.kind === "inbox" ? (
        <BulkBar
          selection={bulk}
          query={source.query}
          loaded={rows.length}
          total={known ? total : undefined}
          hasMore={cursor !== null || (known && total > rows.length)}
          assignees={assignees ?? []}
          labels={labels}
        />
      ) : null}
      <ul
        ref={listRef}
        aria-label={label}
        data-conversation-list=""
        className="@container relative mt-2 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
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
              <StableRowLink
                row={row}
                showMailbox={showMailbox}
                labels={labels}
                checked={selectable ? bulk.wholeFolder || bulk.checked.has(row.id) : undefined}
                onCheck={selectable ? toggle : undefined}
                density={density}
                now={now}
                open={openId === row.id}
                onOpen={readingPane ? onOpen : undefined}
              />
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
