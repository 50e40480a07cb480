// Which language a reader sees: their own choice (User.locale) if they made
// one, else what the browser prefers (Accept-Language), else English.
import type { Locale } from "./translate.ts";

/** The first of the browser's languages that we have, by q-value; "ja" only if it is preferred over English. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((l) => l.tag && l.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === "ja" || tag.startsWith("ja-")) return "ja";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return null;
}

export function chooseLocale(userLocale: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (userLocale === "ja" || userLocale === "en") return userLocale;
  return localeFromAcceptLanguage(acceptLanguage) ?? "en";
}
