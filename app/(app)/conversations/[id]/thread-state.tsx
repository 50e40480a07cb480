"use client";
// Which messages of the thread are expanded. The server plans the start
// (thread-view.ts: the latest, the newest unread); the reader's clicks win
// over the plan, and a message once planned open stays open when a newer one
// arrives live, so nothing folds away under the reader's eyes.
import { createContext, type ReactNode, useContext, useRef, useState } from "react";
import { useT } from "../../../i18n/client.tsx";

interface ThreadState {
  isOpen(id: number): boolean;
  setOpen(id: number, open: boolean): void;
}

const Context = createContext<ThreadState>({ isOpen: () => true, setOpen: () => {} });

export function ThreadProvider({ planned, ids, children }: { planned: number[]; ids: number[]; children: ReactNode }) {
  const everPlanned = useRef(new Set<number>());
  for (const id of planned) everPlanned.current.add(id);
  const [choices, setChoices] = useState<Map<number, boolean>>(new Map());
  const state: ThreadState = {
    isOpen: (id) => choices.get(id) ?? everPlanned.current.has(id),
    setOpen: (id, open) => setChoices((c) => new Map(c).set(id, open)),
  };
  const collapsed = ids.filter((id) => !state.isOpen(id)).length;
  return (
    <Context.Provider value={state}>
      {ids.length > 1 && (collapsed > 0 || choices.size > 0) ? (
        <ThreadControls
          collapsed={collapsed}
          latestId={ids[ids.length - 1] as number}
          onExpandAll={() => setChoices(new Map(ids.map((id) => [id, true])))}
        />
      ) : null}
      {children}
    </Context.Provider>
  );
}

function ThreadControls({
  collapsed,
  latestId,
  onExpandAll,
}: {
  collapsed: number;
  latestId: number;
  onExpandAll: () => void;
}) {
  const t = useT();
  const button =
    "inline-flex min-h-9 items-center rounded-md border border-stone-300 bg-white px-3 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none";
  return (
    <div className="mt-6 flex flex-wrap items-center gap-2 text-xs text-slate-500">
      {collapsed > 0 ? (
        <>
          <span>{t("thread.collapsedCount", { count: collapsed })}</span>
          <button type="button" onClick={onExpandAll} className={button}>
            {t("thread.expandAll")}
          </button>
        </>
      ) : null}
      <a
        href={`#message-${latestId}`}
        onClick={() => {
          // The hash alone does not move focus; a keyboard reader goes on from the latest message.
          requestAnimationFrame(() => document.getElementById(`message-${latestId}`)?.focus());
        }}
        className={button}
      >
        {t("thread.jumpToLatest")}
        <span aria-hidden="true" className="ml-1">
          ↓
        </span>
      </a>
    </div>
  );
}

/**
 * One message of the thread: the whole card when expanded, else one line (sender, time,
 * first words) that expands it. `summary` is that line's content, rendered by the server.
 */
export function CollapsibleMessage({ id, summary, children }: { id: number; summary: ReactNode; children: ReactNode }) {
  const { isOpen, setOpen } = useContext(Context);
  if (isOpen(id)) return children;
  return (
    <button
      type="button"
      aria-expanded={false}
      data-testid="message-collapsed"
      onClick={() => setOpen(id, true)}
      className="flex w-full min-w-0 items-baseline gap-x-3 rounded-xl border border-stone-200 bg-white px-3 py-2.5 text-left text-sm shadow-sm hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none sm:px-5"
    >
      {summary}
    </button>
  );
}

/** Folds an expanded message back to its one line; not shown when the thread is shown whole by plan. */
export function CollapseButton({ id }: { id: number }) {
  const { setOpen } = useContext(Context);
  const t = useT();
  return (
    <button
      type="button"
      aria-expanded={true}
      onClick={() => setOpen(id, false)}
      className="rounded-md px-1.5 py-0.5 text-[11px] text-slate-400 hover:bg-stone-100 hover:text-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
    >
      {t("thread.collapse")}
    </button>
  );
}
