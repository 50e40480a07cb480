"use client";
// What a bulk action did, with Undo for UNDO_MS. The notice lives beside the
// list, not in it: an action that empties the folder (every open conversation
// set to Pending) unmounts the list, and the notice, with its Undo, must stay.
// The bulk bar reports into a small store; the inbox page renders the notice.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { errorText } from "../../i18n/error-text.ts";
import { useTRPC } from "../../trpc/client.ts";

/** How long Undo is offered after a bulk action. */
export const UNDO_MS = 10_000;

export interface BulkOutcome {
  text: string;
  skipped: string | null;
  more: boolean;
  undo: unknown[] | null;
}

let current: BulkOutcome | null = null;
const listeners = new Set<() => void>();

/** Shows what an action did (or nothing, with null). */
export function showBulkOutcome(outcome: BulkOutcome | null): void {
  current = outcome;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useBulkOutcome(): BulkOutcome | null {
  return useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
}

export function BulkOutcomeNotice() {
  const trpc = useTRPC();
  const router = useRouter();
  const { t, locale } = useI18n();
  const outcome = useBulkOutcome();
  const number = new Intl.NumberFormat(locale);
  const undo = useMutation(
    trpc.bulk.undo.mutationOptions({
      onSuccess: (result) => {
        showBulkOutcome({
          text:
            result.done.length === 1
              ? t("bulk.undoneOne")
              : t("bulk.undoneMany", { count: number.format(result.done.length) }),
          skipped: skippedText(result.skipped, t, number),
          more: false,
          undo: null,
        });
        router.refresh();
      },
    }),
  );

  // Undo is offered for a few seconds; the notice itself stays until the next action or dismissal.
  useEffect(() => {
    if (!outcome?.undo) return;
    const timer = setTimeout(() => {
      if (current === outcome) showBulkOutcome({ ...outcome, undo: null });
    }, UNDO_MS);
    return () => clearTimeout(timer);
  }, [outcome]);
  // Leaving the inbox takes the notice away with it.
  useEffect(() => () => showBulkOutcome(null), []);

  if (!outcome && !undo.error) return null;
  return (
    <>
      {undo.error ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {errorText(undo.error.message, t)}
        </p>
      ) : null}
      {outcome ? (
        <div
          role="status"
          data-testid="bulk-outcome"
          className="mt-2 flex flex-wrap items-center gap-3 rounded-lg bg-slate-800 px-4 py-2 text-sm text-white shadow"
        >
          <span>{outcome.text}</span>
          {outcome.skipped ? <span className="text-amber-200">{outcome.skipped}</span> : null}
          {outcome.more ? <span>{t("bulk.more")}</span> : null}
          {outcome.undo ? (
            <button
              type="button"
              className="rounded-md bg-white px-2.5 py-1 text-sm font-medium text-slate-900 hover:bg-stone-100 disabled:opacity-60"
              disabled={undo.isPending}
              onClick={() => undo.mutate({ items: outcome.undo as never })}
            >
              {t("bulk.undo")}
            </button>
          ) : null}
          <button
            type="button"
            className="ml-auto text-slate-300 hover:text-white"
            aria-label={t("bulk.dismiss")}
            onClick={() => showBulkOutcome(null)}
          >
            ×
          </button>
        </div>
      ) : null}
    </>
  );
}

/** "2 skipped: …" with the first reason that is not a missing conversation. */
export function skippedText(
  skipped: { code: string; reason: string }[],
  t: ReturnType<typeof useI18n>["t"],
  number: Intl.NumberFormat,
): string | null {
  if (skipped.length === 0) return null;
  const first = skipped.find((s) => s.code !== "not_found") ?? skipped[0];
  const reason = first?.code === "not_found" ? t("bulk.skippedNotFound") : errorText(first?.reason, t);
  return t("bulk.skipped", { count: number.format(skipped.length), reason });
}
