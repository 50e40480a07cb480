"use client";
// Only the rows near the viewport are in the DOM, so 100,000 conversations
// scroll like 50. The list scrolls with the window; it starts where the page
// above it ends.
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useLayoutEffect, useState } from "react";
import type { ConversationRow, Density } from "./conversation-row.tsx";

/** Rows are about this tall before they are measured; only a guess for the scrollbar. */
const ESTIMATED_ROW_PX: Record<Density, number> = { comfortable: 108, compact: 37 };
/** Rendered beyond the viewport on each side, so that j/k and fast scrolling rarely meet a blank. */
const OVERSCAN = 6;

export type ListVirtualizer = ReturnType<typeof useListVirtualizer>;

export function useListVirtualizer({
  rows,
  selectedIndex,
  listRef,
  remeasureOn,
  density = "comfortable",
}: {
  rows: ConversationRow[];
  /** The keyboard selection (-1 for none), which stays rendered. */
  selectedIndex: number;
  listRef: RefObject<HTMLUListElement | null>;
  /** Where the list starts is measured again when this changes (a refresh may change the filters above). */
  remeasureOn: unknown;
  density?: Density;
}) {
  const [scrollMargin, setScrollMargin] = useState(0);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ESTIMATED_ROW_PX[density],
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

  // Where the list starts on the page: measured when the data changes and on resize, not on
  // every scroll frame (it forces a layout).
  // biome-ignore lint/correctness/useExhaustiveDependencies: remeasureOn changes with each refresh, the trigger.
  useLayoutEffect(() => {
    const measure = () => {
      const el = listRef.current;
      if (el) setScrollMargin(Math.round(el.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [remeasureOn]);

  return virtualizer;
}
