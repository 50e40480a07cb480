"use client";
// "Go to the next conversation" after a send or a close (a setting of each
// user's): the next one is the one below it in the list the reader opened it
// from. The inbox and the search results remember, per tab, which list that
// was and the conversations it showed; a conversation opened from elsewhere
// (a link, a notification) goes back to that list instead, or to its
// mailbox's inbox when this tab has shown no list. Done in the inbox's reading pane
// (/inbox?open=ID), the next one opens in the pane too, beside the same list; with no next
// one the pane closes.

const KEY = "yubin:last-list";

interface RememberedList {
  href: string;
  ids: number[];
}

/** The list on screen now: its address and its rows in order. */
export function rememberList(ids: number[]): void {
  try {
    const list: RememberedList = { href: withoutPane(window.location.pathname + window.location.search), ids };
    window.sessionStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or disabled: "next" falls back to the mailbox's inbox.
  }
}

function rememberedList(): RememberedList | null {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(KEY) ?? "null") as RememberedList | null;
    return value && typeof value.href === "string" && Array.isArray(value.ids) ? value : null;
  } catch {
    return null;
  }
}

/** The list's address without the reading pane's conversation (?open=). */
function withoutPane(href: string): string {
  const url = new URL(href, "http://x");
  url.searchParams.delete("open");
  return url.pathname + url.search;
}

/** The inbox address showing `id` in the reading pane beside the list of `listHref`. */
function inPane(listHref: string, id: number): string {
  const url = new URL(listHref, "http://x");
  url.searchParams.set("open", String(id));
  return url.pathname + url.search;
}

/**
 * Where to go after the conversation `current` is done with. `pane`: it was done in the
 * inbox's reading pane, whose list is the one on screen.
 */
export function nextConversationHref(current: number, fallback: string, pane = false): string {
  if (pane) {
    // The list beside the pane is the one the reader works through, whatever this tab remembered.
    const here = withoutPane(window.location.pathname + window.location.search);
    const list = rememberedList();
    const ids = list && list.href === here ? list.ids : [];
    const at = ids.indexOf(current);
    const next = at >= 0 ? ids[at + 1] : undefined;
    return next !== undefined ? inPane(here, next) : here;
  }
  const list = rememberedList();
  if (!list) return fallback;
  const at = list.ids.indexOf(current);
  const next = at >= 0 ? list.ids[at + 1] : undefined;
  return next !== undefined ? `/conversations/${next}` : list.href;
}
