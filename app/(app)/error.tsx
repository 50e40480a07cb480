"use client";
import { useT } from "../i18n/client.tsx";

/** A page that failed to render: say so in the reader's language and offer to try again. */
export default function AppError({ reset }: { error: Error; reset: () => void }) {
  const t = useT();
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-xl border border-rose-200 bg-rose-50 px-6 py-5 text-sm">
      <p className="font-medium text-rose-900">{t("errors.pageFailed")}</p>
      <button
        type="button"
        onClick={reset}
        className="mt-3 rounded-md border border-rose-300 bg-white px-3 py-1.5 font-medium text-rose-800 hover:bg-rose-100"
      >
        {t("errors.tryAgain")}
      </button>
    </div>
  );
}
