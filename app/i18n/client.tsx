"use client";
// The reader's language and time zone for client components, given by the root layout.
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { en } from "./messages-en.ts";
import { type Locale, type Messages, makeT, type T } from "./translate.ts";

interface I18n {
  locale: Locale;
  /** The user's IANA time zone, or null for the browser's own. */
  timeZone: string | null;
  t: T;
}

const I18nContext = createContext<I18n>({ locale: "en", timeZone: null, t: makeT(en) });

export function I18nProvider({
  locale,
  timeZone,
  messages,
  children,
}: {
  locale: Locale;
  timeZone: string | null;
  messages: Messages;
  children: ReactNode;
}) {
  const value = useMemo(() => ({ locale, timeZone, t: makeT(messages) }), [locale, timeZone, messages]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export function useT(): T {
  return useContext(I18nContext).t;
}
