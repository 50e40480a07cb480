"use client";
// Which conversations of the inbox list are checked for a bulk action (bulk-bar.tsx): a
// checkbox per row, shift-click for the range from the last one toggled, `x` for the
// focused row (use-list-keyboard.ts), and "every conversation of this folder", which is
// the folder and its filters, not the loaded rows (the server finds them, bulk.run).
// Not to be confused with the keyboard's selection (useListSelection): that is where
// j/k are; this is what an action will change.
import { type RefObject, useCallback, useMemo, useRef, useState } from "react";
import type { ConversationRow } from "./conversation-row.tsx";

export interface BulkSelection {
  checked: ReadonlySet<number>;
  /** Every conversation of the folder (with its filters), loaded or not. */
  wholeFolder: boolean;
  /** Toggles one row; with `range`, every loaded row from the last one toggled to it takes its new state. */
  toggle: (id: number, range?: boolean) => void;
  /** Checks (or clears) every loaded row. */
  setLoaded: (on: boolean) => void;
  selectFolder: () => void;
  clear: () => void;
}

export function useBulkSelection(rowsRef: RefObject<ConversationRow[]>): BulkSelection {
  const [checked, setChecked] = useState<ReadonlySet<number>>(() => new Set());
  const [wholeFolder, setWholeFolder] = useState(false);
  const lastToggled = useRef<number | null>(null);
  const wholeFolderRef = useRef(wholeFolder);
  wholeFolderRef.current = wholeFolder;

  const toggle = useCallback(
    (id: number, range = false) => {
      const rows = rowsRef.current;
      // Read before the state update runs: by then lastToggled is this row.
      const from = range && lastToggled.current !== null ? rows.findIndex((r) => r.id === lastToggled.current) : -1;
      const to = rows.findIndex((r) => r.id === id);
      // Unchecking one row of "the whole folder" leaves the rows loaded so far, less that one.
      const base = wholeFolderRef.current ? new Set(rows.map((r) => r.id)) : null;
      lastToggled.current = id;
      setWholeFolder(false);
      setChecked((current) => {
        const next = new Set(base ?? current);
        const on = !next.has(id);
        if (from >= 0 && to >= 0) {
          for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
            const row = rows[i];
            if (!row) continue;
            if (on) next.add(row.id);
            else next.delete(row.id);
          }
        } else if (on) next.add(id);
        else next.delete(id);
        return next;
      });
    },
    [rowsRef],
  );

  const setLoaded = useCallback(
    (on: boolean) => {
      setWholeFolder(false);
      setChecked(on ? new Set(rowsRef.current.map((r) => r.id)) : new Set());
    },
    [rowsRef],
  );

  const selectFolder = useCallback(() => {
    setChecked(new Set(rowsRef.current.map((r) => r.id)));
    setWholeFolder(true);
  }, [rowsRef]);

  const clear = useCallback(() => {
    setWholeFolder(false);
    setChecked(new Set());
    lastToggled.current = null;
  }, []);

  return useMemo(
    () => ({ checked, wholeFolder, toggle, setLoaded, selectFolder, clear }),
    [checked, wholeFolder, toggle, setLoaded, selectFolder, clear],
  );
}
