"use client";
// The next keyset page: fetched before the reader scrolls to the end of what
// is loaded, or by "Load more" from the keyboard.
import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from "react";
import { useT } from "../../i18n/client.tsx";
import { useTRPCClient } from "../../trpc/client.ts";
import type { ConversationRow } from "./conversation-row.tsx";
import type { ListCursor } from "./list-merge.ts";
import type { ListSource } from "./list-source.ts";
import type { LoadedRows } from "./use-list-rows.ts";

/** Start fetching the next page this many rows before the last loaded one scrolls into view. */
const PREFETCH_ROWS = 15;

export function useListPaging({
  source,
  cursor,
  rowCount,
  lastRendered,
  setList,
}: {
  source: ListSource;
  cursor: ListCursor;
  rowCount: number;
  /** The index of the last row in the DOM (-1 for none). */
  lastRendered: number;
  setList: Dispatch<SetStateAction<LoadedRows>>;
}) {
  const client = useTRPCClient();
  const t = useT();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
        ? {
            lastMessageAt: String(page.nextCursor.lastMessageAt),
            id: page.nextCursor.id,
            ...("waitingSince" in page.nextCursor && page.nextCursor.waitingSince
              ? { waitingSince: String(page.nextCursor.waitingSince) }
              : {}),
          }
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
  }, [client, cursor, source, setList, t]);

  // Infinite scroll: the next page is fetched before the reader reaches the end.
  useEffect(() => {
    if (cursor && !error && lastRendered >= rowCount - PREFETCH_ROWS) loadMore();
  }, [cursor, error, lastRendered, rowCount, loadMore]);

  return { loadMore, loading, error };
}
