"use client";
// The inbox's density and reading pane, in the inbox toolbar and in Settings: saved on the
// server for the user (preferences.setInboxLayout), so another browser signed in as them finds
// the same inbox. Shown switched at once; the page is then rendered again with the choice.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";
import type { Density } from "./conversation-row.tsx";

const button =
  "rounded-md px-2 py-1 text-xs font-medium focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";
const on = "bg-slate-900 text-white";
const off = "text-slate-600 hover:bg-stone-100";

export function LayoutToggles({
  initial,
  inSettings = false,
}: {
  initial: { density: Density; readingPane: boolean };
  /** In Settings the reading pane switch shows on every screen; in the inbox only where a pane fits. */
  inSettings?: boolean;
}) {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const [layout, setLayout] = useState(initial);
  const save = useMutation(
    trpc.preferences.setInboxLayout.mutationOptions({
      onSuccess: (saved) => {
        setLayout(saved);
        router.refresh();
      },
      onError: () => setLayout(initial),
    }),
  );
  const change = (next: Partial<typeof layout>) => {
    setLayout((current) => ({ ...current, ...next }));
    save.mutate(next);
  };
  return (
    <div className={inSettings ? "space-y-2" : ""}>
      <fieldset aria-label={t("layout.toolbar")} className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <fieldset
          aria-label={t("layout.density")}
          className="inline-flex items-center gap-1 rounded-lg border border-stone-200 bg-white p-0.5"
        >
          {(["comfortable", "compact"] as const).map((density) => (
            <button
              key={density}
              type="button"
              aria-pressed={layout.density === density}
              disabled={save.isPending}
              onClick={() => layout.density !== density && change({ density })}
              className={`${button} ${layout.density === density ? on : off}`}
            >
              {t(density === "compact" ? "layout.compact" : "layout.comfortable")}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          aria-pressed={layout.readingPane}
          disabled={save.isPending}
          title={t("layout.readingPaneHint")}
          onClick={() => change({ readingPane: !layout.readingPane })}
          className={`${button} border border-stone-200 ${layout.readingPane ? on : `bg-white ${off}`} ${inSettings ? "" : "hidden min-[1200px]:inline-block"}`}
        >
          {t("layout.readingPane")}
        </button>
        {inSettings ? <span className="text-xs text-slate-500">{t("layout.readingPaneHint")}</span> : null}
      </fieldset>
      <FormMessage error={save.error} />
    </div>
  );
}
