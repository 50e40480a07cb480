// How a loaded conversation list takes in fresh data without losing the reader's place.
// Rows are in keyset order (lastMessageAt, then id; descending for "newest", ascending
// otherwise; waitingSince instead of lastMessageAt for "waiting longest", whose rows all
// carry it and whose cursor does too), and the cursor is the key of the last row loaded: everything up to it is
// shown, nothing past it. Pure functions, so they are tested without a browser.

export type ListCursor = { lastMessageAt: string; id: number; waitingSince?: string | null } | null;

interface Keyed {
  id: number;
  lastMessageAt: string;
  waitingSince?: string | null;
}

/** The sort key: waitingSince where given (the waiting-longest sort), else the latest message. */
const key = (r: Keyed) => Date.parse(r.waitingSince ?? r.lastMessageAt);

function cursorOf(r: Keyed): NonNullable<ListCursor> {
  return { lastMessageAt: r.lastMessageAt, id: r.id, ...(r.waitingSince ? { waitingSince: r.waitingSince } : {}) };
}

export interface LoadedList<R extends Keyed> {
  rows: R[];
  cursor: ListCursor;
}

/** Negative when a comes before b in the list. */
function compare(a: Keyed, b: Keyed, descending: boolean): number {
  const at = key(a) - key(b);
  const order = at !== 0 ? at : a.id - b.id;
  return descending ? -order : order;
}

/**
 * A new first page (after a live event) replaces the rows it covers; the rows loaded past
 * it stay. A row the page covers but no longer holds has left the view (closed, assigned
 * away…); a row it holds is dropped further down (it moved up with new mail).
 */
export function mergeFirstPage<R extends Keyed>(
  loaded: LoadedList<R>,
  page: LoadedList<R>,
  descending: boolean,
): LoadedList<R> {
  const boundary = page.cursor;
  // The page is the whole view.
  if (!boundary) return page;
  const inPage = new Set(page.rows.map((r) => r.id));
  const below = loaded.rows.filter((r) => !inPage.has(r.id) && compare(r, boundary, descending) > 0);
  const rows = [...page.rows, ...below];
  if (!loaded.cursor) {
    // Everything had been loaded: the next page starts after the last row kept.
    const last = below.at(-1);
    return { rows, cursor: last ? cursorOf(last) : boundary };
  }
  const cursor = compare(loaded.cursor, boundary, descending) > 0 ? loaded.cursor : boundary;
  return { rows, cursor };
}

/**
 * Rows re-read by id: those asked for but not found have left the view; those found take
 * their place in key order, unless that place is past the loaded end (the next page brings them).
 */
export function mergeRechecked<R extends Keyed>(
  loaded: LoadedList<R>,
  asked: number[],
  found: R[],
  descending: boolean,
): LoadedList<R> {
  const gone = new Set(asked);
  const rows = loaded.rows.filter((r) => !gone.has(r.id));
  for (const row of found) {
    if (loaded.cursor && compare(row, loaded.cursor, descending) > 0) continue;
    const at = rows.findIndex((r) => compare(row, r, descending) < 0);
    rows.splice(at < 0 ? rows.length : at, 0, row);
  }
  return { rows, cursor: loaded.cursor };
}
