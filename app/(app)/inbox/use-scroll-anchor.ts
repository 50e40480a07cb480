"use client";
// Keeping the reader's place while rows change above it: the first row on
// screen is noted before a change and put back where it was before the change
// is painted.
import { type RefObject, useEffect, useLayoutEffect } from "react";
import type { ConversationRow } from "./conversation-row.tsx";
import type { ListVirtualizer } from "./use-list-virtualizer.ts";

/** A row and where its top was on the screen. */
export type ScrollAnchor = { id: number; top: number } | null;

/**
 * The first row on screen, found in the DOM (the virtualiser's own scroll offset lags the
 * window by a scroll event); null when the reader is at the top, where new mail should
 * simply appear.
 */
export function captureAnchor(list: HTMLElement | null, rows: ConversationRow[]): ScrollAnchor {
  let anchor: ScrollAnchor = null;
  if (list && list.getBoundingClientRect().top < 0) {
    for (const li of list.querySelectorAll<HTMLElement>(":scope > li[data-index]")) {
      const row = rows[Number(li.dataset.index)];
      const top = li.getBoundingClientRect().top;
      // Rows are in index order in the DOM except a kept selection; take the first on screen.
      if (row && top + li.offsetHeight > 0 && (anchor === null || top < anchor.top)) {
        anchor = { id: row.id, top };
      }
    }
  }
  return anchor;
}

/** Puts the anchored row (taken from `anchor`, which is then cleared) back where it was, before it is painted. */
export function useRestoreAnchor({
  anchor,
  rows,
  listRef,
  virtualizer,
}: {
  anchor: RefObject<ScrollAnchor>;
  rows: ConversationRow[];
  listRef: RefObject<HTMLUListElement | null>;
  virtualizer: ListVirtualizer;
}): void {
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
  }, [anchor, listRef, rows, virtualizer]);

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
}
