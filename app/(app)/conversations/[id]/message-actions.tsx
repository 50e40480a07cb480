"use client";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useComposer } from "./composer-state.tsx";

const ACTIONS: { mode: ComposeMode; label: MessageKey }[] = [
  { mode: "reply", label: "conv.reply" },
  { mode: "reply_all", label: "conv.replyAll" },
  { mode: "forward", label: "conv.forward" },
];

/** Reply, Reply all and Forward for one message; they open the composer below it. */
export function MessageActions({ messageId }: { messageId: number }) {
  const { open, setOpen } = useComposer();
  const t = useT();
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
            className="min-h-10 rounded-md border border-stone-300 bg-white px-3 py-1 text-xs font-medium sm:min-h-0 sm:px-2.5 text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none aria-pressed:border-slate-500 aria-pressed:bg-stone-100"
          >
            {t(label)}
          </button>
        );
      })}
    </div>
  );
}
