"use client";
import type { ComposeMode } from "../../../../server/conversations/reply-draft.ts";
import { useComposer } from "./composer-state.tsx";

const ACTIONS: { mode: ComposeMode; label: string }[] = [
  { mode: "reply", label: "Reply" },
  { mode: "reply_all", label: "Reply all" },
  { mode: "forward", label: "Forward" },
];

/** Reply, Reply all and Forward for one message; they open the composer below it. */
export function MessageActions({ messageId }: { messageId: number }) {
  const { open, setOpen } = useComposer();
  return (
    <div className="flex gap-2">
      {ACTIONS.map(({ mode, label }) => {
        const active = open?.messageId === messageId && open.mode === mode;
        return (
          <button
            key={mode}
            type="button"
            aria-pressed={active}
            data-shortcut={mode}
            onClick={() => setOpen({ messageId, mode })}
            className="rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none aria-pressed:border-slate-500 aria-pressed:bg-stone-100"
          >
            {label}
          </button>
        );
      })}
    </div>
  );
}
