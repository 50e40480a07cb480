"use client";
import { useEffect, useId, useRef } from "react";
import { useT } from "../i18n/client.tsx";
import { SHORTCUTS } from "./shortcut-list.ts";

/**
 * The "?" help: a native modal <dialog> (role dialog, aria-modal, the rest of
 * the page inert, Escape closes it), focused on its Close button when shown.
 */
export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const t = useT();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      el.showModal();
      close.current?.focus();
    } else if (!open && el.open) el.close();
  }, [open]);

  const groups = (["shortcuts.anywhere", "shortcuts.inbox", "shortcuts.conversation"] as const).map((where) => ({
    where,
    items: SHORTCUTS.filter((s) => s.where === where),
  }));

  return (
    <dialog
      ref={dialog}
      aria-modal="true"
      aria-labelledby={titleId}
      data-testid="shortcut-help"
      onClose={onClose}
      className="m-auto w-full max-w-md rounded-xl border border-stone-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/30"
    >
      <div className="px-6 py-5">
        <div className="flex items-center justify-between gap-4">
          <h2 id={titleId} className="text-lg font-semibold">
            {t("shortcuts.title")}
          </h2>
          <button
            ref={close}
            type="button"
            onClick={onClose}
            className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
          >
            {t("shortcuts.dismiss")}
          </button>
        </div>
        <p className="mt-1 text-xs text-slate-500">{t("shortcuts.notWhileTyping")}</p>
        {groups.map(({ where, items }) => (
          <section key={where} className="mt-4">
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t(where)}</h3>
            <dl className="mt-1 divide-y divide-stone-100">
              {items.map((s) => (
                <div key={`${where}-${s.action}`} className="flex items-center justify-between gap-4 py-1.5 text-sm">
                  <dt className="text-slate-700">{t(s.action)}</dt>
                  <dd className="flex gap-1">
                    {s.keys.map((k) => (
                      <kbd
                        key={k}
                        className="rounded border border-stone-300 bg-stone-50 px-1.5 py-0.5 font-mono text-xs text-slate-800"
                      >
                        {k}
                      </kbd>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </dialog>
  );
}
