"use client";
import { useT } from "../i18n/client.tsx";
import { errorText } from "../i18n/error-text.ts";

/** A server error's message in the reader's language (see app/i18n/error-text.ts). */
export function ErrorText({ error }: { error: { message: string } | null | undefined }) {
  const t = useT();
  return <>{errorText(error?.message, t)}</>;
}
