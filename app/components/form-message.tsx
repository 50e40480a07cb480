"use client";
import { ErrorText } from "./error-text.tsx";

/**
 * A form's outcome, announced to screen readers. `error` is either text the
 * page already wrote in the reader's language, or a server error (anything
 * with a message, e.g. a TRPC error), which is translated (app/i18n/error-text.ts).
 */
export function FormMessage({
  error,
  success,
}: {
  error?: string | { message: string } | null;
  success?: string | null;
}) {
  if (error) {
    return (
      <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
        {typeof error === "string" ? error : <ErrorText error={error} />}
      </p>
    );
  }
  if (success) {
    return (
      <p
        role="status"
        className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
      >
        {success}
      </p>
    );
  }
  return null;
}
