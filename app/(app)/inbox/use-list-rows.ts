"use client";
// The rows loaded so far and the cursor after them. A live refresh
// (router.refresh) brings a new first page from the server, which is merged
// in by id: the rows loaded below it stay, and so does the reader's place.
import { type RefObject, useCallback, useRef, useState } from "react";
import type { ConversationRow } from "./conversation-row.tsx";
import { type ListCursor, mergeFirstPage } from "./list-merge.ts";
import { captureAnchor, type ScrollAnchor } from "./use-scroll-anchor.ts";

export interface LoadedRows {
  rows: ConversationRow[];
  cursor: ListCursor;
}

export function useListRows({
  initial,
  initialCursor,
  descending,
  listRef,
}: {
  initial: ConversationRow[];
  initialCursor: ListCursor;
  descending: boolean;
  listRef: RefObject<HTMLUListElement | null>;
}) {
  const [list, setList] = useState<LoadedRows>({ rows: initial, cursor: initialCursor });
  // For callbacks that outlive a render (events, timers).
  const rowsRef = useRef(list.rows);
  rowsRef.current = list.rows;
  const anchor = useRef<ScrollAnchor>(null);

  /** Applies a change to the rows, keeping the first row on screen where it was (useRestoreAnchor). */
  const update = useCallback(
    (change: (current: LoadedRows) => LoadedRows) => {
      anchor.current = captureAnchor(listRef.current, rowsRef.current);
      setList(change);
    },
    [listRef],
  );

  // A live refresh brings a new first page from the server: merge it, keep what was loaded below.
  const [shownInitial, setShownInitial] = useState(initial);
  if (initial !== shownInitial) {
    setShownInitial(initial);
    update((current) => mergeFirstPage(current, { rows: initial, cursor: initialCursor }, descending));
  }

  return {
    rows: list.rows,
    cursor: list.cursor,
    rowsRef,
    /** Changes the rows without keeping the reader's place (a page appended at the end). */
    setList,
    update,
    anchor,
    /** The first page last merged in; a new one means the page above the list may have changed too. */
    shownInitial,
  };
}
