"use client";
import { useEffect, useState } from "react";
import { useT } from "../i18n/client.tsx";
import { ShortcutHelp } from "./shortcut-help.tsx";

// One keydown handler for the whole signed-in shell. It finds what to act on in
// the page by data-shortcut attributes and accessible names, so the pages stay
// unaware of it. "/" (search) is the SearchBox's own.

const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

function all<T extends Element>(selector: string): T[] {
  return [...document.querySelectorAll<T>(selector)];
}

/**
 * The conversation list (inbox, search) marks itself with data-conversation-list: its
 * accessible name is translated. It is virtualised, so most rows are not in the DOM: j/k
 * are handed to it as this event (detail 1 or -1), which it handles by moving its own
 * selection, scrolling to it and focusing it.
 */
export const SHORTCUT_STEP = "yubin:shortcut-step";

/** `x`: the list checks or unchecks its focused (or keyboard-selected) row for a bulk action. */
export const SHORTCUT_TOGGLE = "yubin:shortcut-toggle";

function conversationList(): HTMLElement | null {
  return document.querySelector<HTMLElement>("ul[data-conversation-list]");
}

/** The rendered rows of the conversation list. */
function rows(): HTMLAnchorElement[] {
  return all<HTMLAnchorElement>("ul[data-conversation-list] > li > a");
}

/** Asks the conversation list to move its selection; false when there is no list to ask. */
function stepList(by: 1 | -1): boolean {
  const list = conversationList();
  if (!list) return false;
  const event = new CustomEvent(SHORTCUT_STEP, { detail: by, cancelable: true });
  list.dispatchEvent(event);
  return event.defaultPrevented;
}

/** The thread's messages, a folded one's line included (Enter on it expands it). */
function messages(): HTMLElement[] {
  return all<HTMLElement>("ol[data-thread] :is([data-testid='message'], [data-testid='message-collapsed'])");
}

function select(el: HTMLElement) {
  el.scrollIntoView({ block: "nearest" });
  el.focus();
}

/** j/k over a list: from the focused (or marked) item, one step, staying inside it. */
function step(items: HTMLElement[], by: 1 | -1) {
  if (!items.length) return;
  let at = items.findIndex((el) => el === document.activeElement || el.contains(document.activeElement));
  if (at < 0) at = items.findIndex((el) => el.dataset.shortcutSelected === "true");
  const next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + by));
  for (const el of items) {
    if (el.dataset.shortcutSelected) delete el.dataset.shortcutSelected;
    el.removeAttribute("aria-current");
  }
  const el = items[next];
  if (!el) return;
  el.dataset.shortcutSelected = "true";
  el.setAttribute("aria-current", "true");
  // Messages are not focusable by themselves; make them reachable by script only.
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.tabIndex = -1;
  select(el);
}

/** Sets a React-controlled <select> as a user would, so its onChange runs. */
function choose(el: HTMLSelectElement, value: string) {
  if (el.disabled || el.value === value) return;
  Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")?.set?.call(el, value);
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Focuses a <select> and, where the browser allows it, drops its menu open. */
function openMenu(el: HTMLSelectElement | null) {
  if (!el || el.disabled) return;
  select(el);
  try {
    el.showPicker();
  } catch {
    // Focused is enough: arrow keys or Space open it then.
  }
}

function click(selector: string, last = false) {
  const found = all<HTMLElement>(selector);
  const el = last ? found.at(-1) : found[0];
  if (!el) return false;
  el.click();
  return true;
}

export function handleShortcut(event: KeyboardEvent, openHelp: () => void): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return false;
  const target = event.target as HTMLElement | null;
  if (target?.closest?.(TYPING)) return false;
  // A modal (the help itself, or any other) owns the keyboard while open.
  if (document.querySelector("dialog[open]")) return false;
  // With the inbox's reading pane the list and a conversation are both on screen: j/k, x and o
  // go on working the list, and r, n, a and the status keys act on the conversation beside it.
  const hasThread = document.querySelector("ol[data-thread]") !== null;
  const inConversation = hasThread && document.querySelector("[data-conversation-list]") === null;
  switch (event.key) {
    case "?":
      openHelp();
      return true;
    case "j":
    case "k": {
      const by = event.key === "j" ? 1 : -1;
      if (inConversation) step(messages(), by);
      else if (!stepList(by)) step(rows(), by);
      return true;
    }
    case "x": {
      const list = conversationList();
      if (inConversation || !list) return false;
      const toggle = new CustomEvent(SHORTCUT_TOGGLE, { cancelable: true });
      list.dispatchEvent(toggle);
      return toggle.defaultPrevented;
    }
    case "o":
    case "Enter": {
      // Enter elsewhere (a button, a link) is that element's own.
      if (inConversation || (event.key === "Enter" && target !== document.body)) return false;
      const list = rows();
      const row =
        list.find((el) => el === document.activeElement) ?? list.find((el) => el.dataset.shortcutSelected === "true");
      if (!row) return false;
      row.click();
      return true;
    }
    case "r":
      return hasThread && click("[data-shortcut='reply']", true);
    case "n":
      return hasThread && click("[data-shortcut='note']");
    case "a":
      if (!hasThread) return false;
      openMenu(document.querySelector<HTMLSelectElement>("select[data-shortcut='assign']"));
      return true;
    case "s":
      if (!hasThread) return false;
      openMenu(document.querySelector<HTMLSelectElement>("select[data-shortcut='snooze']"));
      return true;
    case "e": {
      const status = document.querySelector<HTMLSelectElement>("select[data-shortcut='status']");
      if (!hasThread || !status) return false;
      choose(status, "closed");
      return true;
    }
    default:
      return false;
  }
}

/** Mounts the shortcuts and renders the "Keyboard shortcuts" link and its help dialog. */
export function KeyboardShortcuts() {
  const [help, setHelp] = useState(false);
  const t = useT();

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (handleShortcut(event, () => setHelp(true))) event.preventDefault();
    }
    document.addEventListener("keydown", onKey);
    // Says the keys are live: a key pressed before hydration does nothing, and a
    // script driving the page (the browser tests) waits for this before pressing.
    document.documentElement.dataset.shortcuts = "on";
    return () => {
      document.removeEventListener("keydown", onKey);
      delete document.documentElement.dataset.shortcuts;
    };
  }, []);

  return (
    <>
      <button
        type="button"
        onClick={() => setHelp(true)}
        aria-haspopup="dialog"
        className="mt-1 block text-left text-xs text-slate-500 hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
      >
        {t("shortcuts.title")} <kbd className="font-mono">?</kbd>
      </button>
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}
