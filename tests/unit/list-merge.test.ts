// How the virtualised list takes in a live first page and re-checked rows: loaded pages
// stay, rows that left the view go, rows that moved are not shown twice, and the cursor
// never jumps back (which would re-load pages) or forward (which would skip rows).
import { describe, expect, it } from "vitest";
import { type LoadedList, mergeFirstPage, mergeRechecked } from "../../app/(app)/inbox/list-merge.ts";

interface R {
  id: number;
  lastMessageAt: string;
  v?: string;
}

/** Row i of a list sorted newest first: id i, a minute older per step. */
const row = (id: number, minute = 1000 - id, v?: string): R => ({
  id,
  lastMessageAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  v,
});
const ids = (list: LoadedList<R>) => list.rows.map((r) => r.id);
const cursorOf = (r: R) => ({ lastMessageAt: r.lastMessageAt, id: r.id });
/** Rows from..to (inclusive), with the cursor at the last. */
function range(from: number, to: number): LoadedList<R> {
  const rows = [];
  for (let i = from; i <= to; i++) rows.push(row(i));
  return { rows, cursor: cursorOf(rows.at(-1) as R) };
}

describe("mergeFirstPage", () => {
  it("keeps the pages loaded below a new first page, each row once", () => {
    const loaded = range(1, 15); // three pages of 5
    const fresh = row(100, 2000); // new mail: newest
    const page = { rows: [fresh, ...range(1, 4).rows], cursor: cursorOf(row(4)) };
    const merged = mergeFirstPage(loaded, page, true);
    expect(ids(merged)).toEqual([100, ...range(1, 15).rows.map((r) => r.id)]);
    expect(merged.cursor).toEqual(cursorOf(row(15)));
  });

  it("drops rows the new page covers but no longer holds, and a row that moved to the top", () => {
    const loaded = range(1, 10);
    // 2 was closed (gone); 8 got new mail and is now the newest.
    const moved = row(8, 3000, "new mail");
    const page = { rows: [moved, row(1), row(3), row(4), row(5)], cursor: cursorOf(row(5)) };
    const merged = mergeFirstPage(loaded, page, true);
    expect(ids(merged)).toEqual([8, 1, 3, 4, 5, 6, 7, 9, 10]);
    expect(merged.rows[0]?.v).toBe("new mail");
    expect(merged.cursor).toEqual(cursorOf(row(10)));
  });

  it("takes a page that is the whole view as it is", () => {
    const merged = mergeFirstPage(range(1, 10), { rows: [row(2), row(3)], cursor: null }, true);
    expect(merged).toEqual({ rows: [row(2), row(3)], cursor: null });
  });

  it("with nothing loaded past the first page, behaves as a plain refresh", () => {
    const merged = mergeFirstPage(range(1, 5), range(0, 4), true);
    expect(ids(merged)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(merged.cursor).toEqual(cursorOf(row(5)));
  });

  it("after everything was loaded, continues after the last row kept", () => {
    const all = { rows: range(1, 8).rows, cursor: null };
    const merged = mergeFirstPage(all, { rows: range(1, 5).rows, cursor: cursorOf(row(5)) }, true);
    expect(ids(merged)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(merged.cursor).toEqual(cursorOf(row(8)));
  });

  it("orders ascending lists (oldest first) the other way, ties broken by id", () => {
    // Oldest first: the minute grows along the list; 3 and 4 share a minute.
    const asc = (id: number) => row(id, id === 4 ? 3 : id);
    const loaded = { rows: [1, 2, 3, 4, 5, 6].map(asc), cursor: cursorOf(asc(6)) };
    const page = { rows: [1, 3, 4].map(asc), cursor: cursorOf(asc(4)) };
    const merged = mergeFirstPage(loaded, page, false);
    expect(ids(merged)).toEqual([1, 3, 4, 5, 6]);
    expect(merged.cursor).toEqual(cursorOf(asc(6)));
  });
});

describe("mergeRechecked", () => {
  it("removes rows that left the view and updates the others in place", () => {
    const loaded = range(1, 10);
    const merged = mergeRechecked(loaded, [7, 8], [row(8, undefined, "assigned")], true);
    expect(ids(merged)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
    expect(merged.rows.find((r) => r.id === 8)?.v).toBe("assigned");
    expect(merged.cursor).toEqual(loaded.cursor);
  });

  it("moves a row with new mail to its new place, and leaves out one that moved past the loaded end", () => {
    const loaded = range(1, 10);
    // 9 got new mail (newest now); in an oldest-first list the same would move it past the end.
    const merged = mergeRechecked(loaded, [9], [row(9, 5000)], true);
    expect(ids(merged)).toEqual([9, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
    const asc = { rows: range(1, 10).rows.reverse(), cursor: cursorOf(row(1)) };
    const gone = mergeRechecked(asc, [5], [row(5, 5000)], false);
    expect(ids(gone)).toEqual([10, 9, 8, 7, 6, 4, 3, 2, 1]);
  });

  it("does not add a row that was not asked about twice", () => {
    const merged = mergeRechecked(range(1, 3), [2], [row(2)], true);
    expect(ids(merged)).toEqual([1, 2, 3]);
  });
});

describe("the waiting-longest sort", () => {
  // Its rows are in waitingSince order (longest first), which need not be lastMessageAt's.
  const waiting = (id: number, waitedFrom: number, latest: number) => ({
    id,
    lastMessageAt: new Date(Date.UTC(2026, 0, 1, latest)).toISOString(),
    waitingSince: new Date(Date.UTC(2026, 0, 1, waitedFrom)).toISOString(),
  });

  it("places a re-checked row by how long it has waited, not by its latest message", () => {
    const a = waiting(1, 1, 20); // waited since 01:00, written again at 20:00
    const b = waiting(2, 5, 5);
    const c = waiting(3, 9, 9);
    const loaded = { rows: [b, c], cursor: { lastMessageAt: c.lastMessageAt, id: c.id, waitingSince: c.waitingSince } };
    expect(mergeRechecked(loaded, [1], [a], false).rows.map((r) => r.id)).toEqual([1, 2, 3]);
    // Past the loaded end by its wait: the next page brings it.
    const d = waiting(4, 12, 2);
    expect(mergeRechecked(loaded, [4], [d], false).rows.map((r) => r.id)).toEqual([2, 3]);
  });
});
