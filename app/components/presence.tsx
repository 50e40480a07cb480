"use client";
import { useEffect, useSyncExternalStore } from "react";
import { useT } from "../i18n/client.tsx";
import { type PresentUser, reporter, store } from "./presence-store.ts";

const NOBODY: PresentUser[] = [];

/** Who else is viewing or typing in the conversation, live (never yourself). */
export function usePresentUsers(conversationId: number): PresentUser[] {
  return useSyncExternalStore(
    store.subscribe,
    () => store.usersIn(conversationId),
    () => NOBODY,
  );
}

/** Reports this tab as viewing the conversation while the component is shown. */
export function useViewingPresence(conversationId: number) {
  useEffect(() => {
    reporter.view(conversationId);
    return () => reporter.leave(conversationId);
  }, [conversationId]);
}

/**
 * For a reply or note editor: others see "typing a reply" / "writing a note"
 * while it holds unsent text (`holdsText`), and "viewing" once it is empty
 * again or closes — a pause in typing does not end it.
 */
export function useComposingPresence(state: "replying" | "noting", holdsText: boolean): void {
  useEffect(() => {
    reporter.composingText(state, holdsText);
  }, [state, holdsText]);
  useEffect(() => () => reporter.composingText(state, false), [state]);
}

/** Two letters for an avatar: the first of the first two words ("Bob Example" → "BE", "佐藤 花子" → "佐花"). */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s@._-]+/u)
    .filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => Array.from(word)[0]?.toUpperCase() ?? "")
    .join("");
}

// Literal class names, so Tailwind keeps them.
const COLOURS = [
  "bg-sky-100 text-sky-900",
  "bg-emerald-100 text-emerald-900",
  "bg-amber-100 text-amber-900",
  "bg-rose-100 text-rose-900",
  "bg-violet-100 text-violet-900",
  "bg-teal-100 text-teal-900",
];

export function colourOf(userId: number): string {
  return COLOURS[userId % COLOURS.length] ?? "";
}

/** A row has room for this many avatars; the rest are counted. */
const ROW_AVATARS = 3;

/** The small avatars an inbox row shows for everyone else in its conversation (typing first). */
export function PresenceAvatars({ conversationId }: { conversationId: number }) {
  const users = usePresentUsers(conversationId);
  const t = useT();
  if (users.length === 0) return null;
  const more = users.length - ROW_AVATARS;
  return (
    <span className="ml-auto flex shrink-0 items-center -space-x-1" data-testid="presence">
      {users.slice(0, ROW_AVATARS).map((user) => {
        const label = t(user.state === "viewing" ? "presence.viewing" : "presence.typing", { name: user.name });
        return (
          <span
            key={user.userId}
            role="img"
            aria-label={label}
            title={label}
            data-state={user.state}
            className={`inline-flex size-6 items-center justify-center rounded-full text-[10px] font-semibold ring-2 ${
              user.state === "viewing" ? "ring-white" : "animate-pulse ring-emerald-500"
            } ${colourOf(user.userId)}`}
          >
            {initials(user.name)}
          </span>
        );
      })}
      {more > 0 ? (
        <span
          role="img"
          aria-label={t("presence.more", { count: more })}
          title={users
            .slice(ROW_AVATARS)
            .map((user) => user.name)
            .join(", ")}
          className="inline-flex size-6 items-center justify-center rounded-full bg-stone-100 text-[10px] font-semibold text-slate-700 ring-2 ring-white"
        >
          +{more}
        </span>
      ) : null}
    </span>
  );
}
