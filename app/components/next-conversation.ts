"use client";
// "Go to the next conversation" after a send or a close (a setting of each
// user's): the next one is the one below it in the list the reader opened it
// from. The inbox and the search results remember, per tab, which list that
// was and the conversations it showed; a conversation opened from elsewhere
// (a link, a notification) goes back to that list instead, or to its
// mailbox's inbox when this tab has shown no list.

const KEY = "yubin:last-list";

interface RememberedList {
  href: string;
  ids: number[];
}

/** The list on screen now: its address and its rows in order. */
export function rememberList(ids: number[]): void {
  try {
    const list: RememberedList = { href: window.location.pathname + window.location.search, ids };
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

/** Where to go after the conversation `current` is done with. */
export function nextConversationHref(current: number, fallback: string): string {
  const list = rememberedList();
  if (!list) return fallback;
  const at = list.ids.indexOf(current);
  const next = at >= 0 ? list.ids[at + 1] : undefined;
  return next !== undefined ? `/conversations/${next}` : list.href;
}
