"use client";
// What the composer's fields share: their look, and the message under a field
// the writer must fix, tied to it by aria-describedby.
import type { ComposerField, FieldErrors } from "./composer-validation.ts";

export const FIELD_CLASS =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-xs placeholder:text-slate-400 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none aria-invalid:border-rose-400";

/** The id of a field's message, for the field's aria-describedby; undefined while there is none. */
export function describedBy(id: string, errors: FieldErrors, key: ComposerField): string | undefined {
  return errors[key] ? `${id}-${key}-error` : undefined;
}

export function FieldError({ id, errors, field }: { id: string; errors: FieldErrors; field: ComposerField }) {
  return errors[field] ? (
    <p id={`${id}-${field}-error`} className="mt-1 text-xs text-rose-700">
      {errors[field]}
    </p>
  ) : null;
}
