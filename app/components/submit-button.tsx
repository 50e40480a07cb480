"use client";
// A form's submit button. It waits for hydration: clicked on the server's
// HTML, the form would submit natively, as a GET to the page with every field
// in the address (a password in the URL, the logs and the history) and without
// the form's own handling. Until then it is disabled, and Enter in a field of
// a form whose default button is disabled submits nothing (HTML, implicit
// submission).
import type { ReactNode } from "react";
import { useT } from "../i18n/client.tsx";
import { useHydrated } from "./use-hydrated.ts";

export function SubmitButton({
  pending,
  children,
  className,
}: {
  pending: boolean;
  children: ReactNode;
  className?: string;
}) {
  const t = useT();
  const hydrated = useHydrated();
  return (
    <button
      type="submit"
      disabled={pending || !hydrated}
      aria-busy={pending}
      className={`inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60 ${className ?? ""}`}
    >
      {pending ? t("common.working") : children}
    </button>
  );
}
