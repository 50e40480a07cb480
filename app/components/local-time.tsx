"use client";
import { useI18n } from "../i18n/client.tsx";
import type { Locale } from "../i18n/translate.ts";
import { useHydrated } from "./use-hydrated.ts";

// The server does not know the browser's time zone, so the first render
// (server and hydration) shows UTC in ISO form and the browser then swaps in
// the reader's format: the UI language, and the user's time zone if they chose
// one (Settings), else the browser's. No hydration mismatch, no wrong local time.

/** The calendar day of a date in a time zone, for "is it today / this year". */
function dayParts(date: Date, timeZone: string | undefined): { y: number; m: number; d: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" })
    .formatToParts(date)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

/** The locale to format in: Japanese UI as ja-JP; English UI in the browser's own English, else en-US. */
function formatLocale(locale: Locale): string | undefined {
  if (locale === "ja") return "ja-JP";
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("en") ? undefined : "en-US";
}

/** Formats a date with Intl.DateTimeFormat in the UI language and the given time zone (undefined: the browser's). */
export function formatDate(
  date: Date,
  style: "compact" | "full" | "title",
  locale: Locale,
  timeZone: string | undefined,
  now = new Date(),
): string {
  const tag = formatLocale(locale);
  const fmt = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(tag, { ...options, timeZone }).format(date);
  if (style === "title") return fmt({ dateStyle: "full", timeStyle: "long" });
  if (style === "full") return fmt({ dateStyle: "medium", timeStyle: "short" });
  const a = dayParts(date, timeZone);
  const b = dayParts(now, timeZone);
  if (a.y === b.y && a.m === b.m && a.d === b.d) return fmt({ hour: "numeric", minute: "2-digit" });
  if (a.y === b.y) return fmt({ month: "short", day: "numeric" });
  return fmt({ dateStyle: "medium" });
}

/** A date in the reader's language and time zone; "compact" is a time today, a day this year, else a date. */
export function LocalTime({ iso, style = "compact" }: { iso: string; style?: "compact" | "full" }) {
  const { locale, timeZone } = useI18n();
  const inBrowser = useHydrated();
  const date = new Date(iso);
  const zone = timeZone ?? undefined;
  return (
    <time dateTime={iso} title={inBrowser ? formatDate(date, "title", locale, zone) : undefined}>
      {inBrowser ? formatDate(date, style, locale, zone) : `${iso.slice(0, 16).replace("T", " ")} UTC`}
    </time>
  );
}
