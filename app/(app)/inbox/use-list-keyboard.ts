"use client";
// The keyboard selection of a virtualised list: j/k (app/components/keyboard-shortcuts.tsx)
// ask the list to move, because most rows are not in the DOM; a row focused
// otherwise (Tab, a click) becomes the selection. `x` checks the focused (or selected)
// row for a bulk action (use-bulk-selection.ts).
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { SHORTCUT_STEP, SHORTCUT_TOGGLE } from "../../components/keyboard-shortcuts.tsx";
import type { ConversationRow } from "./conversation-row.tsx";
import type { ListVirtualizer } from "./use-list-virtualizer.ts";

export interface ListSelection {
  selectedId: number | null;
  setSelectedId: (id: number | null) => void;
  /** Ahead of selectedId while a step is on its way to the screen. */
  selectedIdRef: RefObject<number | null>;
  /** Set by a step: the selected row takes the focus once it is rendered. */
  focusSelected: RefObject<boolean>;
}

export function useListSelection(): ListSelection {
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const selectedIdRef = useRef(selectedId);
  selectedIdRef.current = selectedId;
  const focusSelected = useRef(false);
  return { selectedId, setSelectedId, selectedIdRef, focusSelected };
}

export function useListKeyboard({
  listRef,
  rowsRef,
  selection,
  selectedIndex,
  virtualizer,
  onToggle,
}: {
  listRef: RefObject<HTMLUListElement | null>;
  rowsRef: RefObject<ConversationRow[]>;
  selection: ListSelection;
  selectedIndex: number;
  virtualizer: ListVirtualizer;
  /** Checks or unchecks a row (`x`); without it the list has no checkboxes. */
  onToggle?: (id: number) => void;
}): void {
  const { setSelectedId, selectedIdRef, focusSelected } = selection;
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
    const onToggleKey = (event: Event) => {
      if (!onToggle) return;
      const focused = (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>("li[data-index]");
      const id =
        focused && el.contains(focused) ? rowsRef.current[Number(focused.dataset.index)]?.id : selectedIdRef.current;
      if (id === undefined || id === null) return;
      event.preventDefault();
      onToggle(id);
    };
    el.addEventListener(SHORTCUT_STEP, onStep);
    el.addEventListener(SHORTCUT_TOGGLE, onToggleKey);
    el.addEventListener("focusin", onFocus);
    return () => {
      el.removeEventListener(SHORTCUT_STEP, onStep);
      el.removeEventListener(SHORTCUT_TOGGLE, onToggleKey);
      el.removeEventListener("focusin", onFocus);
    };
  }, [focusSelected, listRef, rowsRef, selectedIdRef, setSelectedId, virtualizer, onToggle]);

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
}
