"use client";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";

// Below sm the buttons fill the width, Send on a row of its own: thumb targets, no sideways scroll.
const SECONDARY =
  "min-h-11 flex-1 sm:min-h-0 sm:flex-none rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

/**
 * The send's outcome; Send (or "Send anyway" after the stale-send guard held
 * it), "Send and close" and "Send and set pending" (each a submit button whose
 * data-then the composer reads), and Discard.
 */
export function ComposerActions({
  error,
  pending,
  held,
  onDiscard,
}: {
  error: { message: string } | null;
  pending: boolean;
  held: boolean;
  onDiscard: () => void;
}) {
  const t = useT();
  return (
    <div className="space-y-3 border-t border-stone-100 px-3 py-3 sm:px-5">
      <FormMessage error={error} />
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={pending}
          aria-busy={pending}
          className="inline-flex min-h-11 w-full items-center justify-center rounded-md bg-slate-900 sm:min-h-0 sm:w-auto px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60"
        >
          {held ? t("composer.sendAnyway") : t("composer.send")}
        </button>
        <button type="submit" data-then="closed" disabled={pending} className={SECONDARY}>
          {t("composer.sendAndClose")}
        </button>
        <button type="submit" data-then="pending" disabled={pending} className={SECONDARY}>
          {t("composer.sendAndPending")}
        </button>
        <button
          type="button"
          disabled={pending}
          onClick={onDiscard}
          className="min-h-11 flex-1 rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-stone-100 sm:min-h-0 sm:flex-none hover:text-slate-900 disabled:opacity-60"
        >
          {t("composer.discard")}
        </button>
        {pending ? (
          <span role="status" className="text-sm text-slate-500">
            {t("composer.sending")}
          </span>
        ) : null}
      </div>
    </div>
  );
}
