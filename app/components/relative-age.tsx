"use client";
import { useSyncExternalStore } from "react";
import { useI18n } from "../i18n/client.tsx";
import type { Locale } from "../i18n/translate.ts";

const subscribe = () => () => {};

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", Number.POSITIVE_INFINITY],
];

/** "3 hours ago" / "3 時間前": the largest unit that fits. */
export function relativeAge(then: Date, now: Date, locale: Locale): string {
  let value = (then.getTime() - now.getTime()) / 1000;
  let unit: Intl.RelativeTimeFormatUnit = "second";
  for (const [name, size] of STEPS) {
    unit = name;
    if (Math.abs(value) < size) break;
    value /= size;
  }
  return new Intl.RelativeTimeFormat(locale === "ja" ? "ja-JP" : "en", { numeric: "auto" }).format(
    Math.round(value),
    unit,
  );
}

/**
 * How long ago `iso` was, in the reader's language. The server does not know
 * when the browser renders, so the first render (and hydration) shows the UTC
 * time, as LocalTime does, and the browser then swaps in the age.
 */
export function useRelativeAge(iso: string): string {
  const { locale } = useI18n();
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return inBrowser ? relativeAge(new Date(iso), new Date(), locale) : `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
