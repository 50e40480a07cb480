"use client";
// A trace's times to the second, in the reader's language and time zone
// (LocalTime stops at minutes, which is too coarse for the steps of one SMTP
// session). The server render shows UTC until the browser swaps in the local form.
import { useSyncExternalStore } from "react";
import { useI18n } from "../../../i18n/client.tsx";

const subscribe = () => () => {};

export function TraceTime({ iso, withDate = true }: { iso: string; withDate?: boolean }) {
  const { locale, timeZone } = useI18n();
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  const text = inBrowser
    ? new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : undefined, {
        ...(withDate ? { dateStyle: "medium" } : {}),
        timeStyle: "medium",
        timeZone: timeZone ?? undefined,
      }).format(date)
    : `${withDate ? iso.slice(0, 10) : ""} ${iso.slice(11, 19)} UTC`.trim();
  return <time dateTime={iso}>{text}</time>;
}
