"use client";
// Language and time zone: "browser default" (null) or a choice of the user's own.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useMemo, useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { SubmitButton } from "../../components/submit-button.tsx";
import { useHydrated } from "../../components/use-hydrated.ts";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

const select =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

export function PreferencesForm({ locale, timeZone }: { locale: "en" | "ja" | null; timeZone: string | null }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [language, setLanguage] = useState(locale ?? "");
  const [zone, setZone] = useState(timeZone ?? "");
  const [saved, setSaved] = useState(false);
  const save = useMutation(trpc.preferences.set.mutationOptions());
  // The browser's zone and its list of zones are the browser's to say: the
  // server renders the choice made so far, the browser adds the rest after
  // hydration (the server's zone and ICU would differ: React error #418).
  const hydrated = useHydrated();
  const zones = useMemo(() => {
    if (!hydrated) return zone ? [zone] : [];
    const known = Intl.supportedValuesOf("timeZone");
    return zone && !known.includes(zone) ? [zone, ...known] : known;
  }, [hydrated, zone]);
  const browserZone = useMemo(() => (hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone : null), [hydrated]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const done = await save
      .mutateAsync({ locale: language === "en" || language === "ja" ? language : null, timeZone: zone || null })
      .catch(() => null);
    if (!done) return;
    setSaved(true);
    // The layout reads the new language and time zone.
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <div>
        <label htmlFor={`${id}-language`} className="block text-sm font-medium text-slate-700">
          {t("settings.language")}
        </label>
        <select
          id={`${id}-language`}
          className={`mt-1 ${select}`}
          value={language}
          onChange={(e) => setLanguage(e.target.value as "" | "en" | "ja")}
        >
          <option value="">{t("settings.browserDefault")}</option>
          <option value="en" lang="en">
            English
          </option>
          <option value="ja" lang="ja">
            日本語
          </option>
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-zone`} className="block text-sm font-medium text-slate-700">
          {t("settings.timeZone")}
        </label>
        <select id={`${id}-zone`} className={`mt-1 ${select}`} value={zone} onChange={(e) => setZone(e.target.value)}>
          <option value="">
            {browserZone ? t("settings.timeZoneBrowser", { zone: browserZone }) : t("settings.browserDefault")}
          </option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>
      <FormMessage error={save.error} success={saved ? t("settings.saved") : null} />
      <SubmitButton pending={save.isPending}>{t("settings.savePreferences")}</SubmitButton>
    </form>
  );
}
