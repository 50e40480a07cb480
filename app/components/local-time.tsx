"use client";
import { useSyncExternalStore } from "react";

// The server does not know the reader's time zone or locale, so the first
// render (server and hydration) shows UTC in ISO form and the browser then
// swaps in its own format: no hydration mismatch, no wrong local time.
const subscribe = () => () => {};

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function format(date: Date, style: "compact" | "full"): string {
  if (style === "full") return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  const now = new Date();
  if (sameDay(date, now)) return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (date.getFullYear() === now.getFullYear())
    return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

/** A date in the reader's locale and time zone; "compact" is a time today, a day this year, else a date. */
export function LocalTime({ iso, style = "compact" }: { iso: string; style?: "compact" | "full" }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  return (
    <time
      dateTime={iso}
      title={inBrowser ? date.toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" }) : undefined}
    >
      {inBrowser ? format(date, style) : `${iso.slice(0, 16).replace("T", " ")} UTC`}
    </time>
  );
}
