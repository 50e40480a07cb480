"use client";
// The trace search: its filters become the page's URL (so a search can be
// linked, reloaded and returned to), with the time range turned from the
// reader's wall clock (their chosen time zone, else the browser's) into instants.
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useState } from "react";
import { fromWallTime, wallTime } from "../../../components/zoned-time.ts";
import { useI18n } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";

export interface TraceFilters {
  sender?: string;
  recipient?: string;
  subject?: string;
  mid?: string;
  client?: string;
  result?: string;
  since?: string;
  until?: string;
}

const RESULTS: { value: string; label: MessageKey }[] = [
  { value: "delivered", label: "trace.result.delivered" },
  { value: "rejected", label: "trace.result.rejected" },
  { value: "deferred", label: "trace.result.deferred" },
  { value: "bounced", label: "trace.result.bounced" },
  { value: "abandoned", label: "trace.result.abandoned" },
];

const CONTROL =
  "w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local value in a time zone. */
function toLocalInput(iso: string | undefined, timeZone: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const w = wallTime(date, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** A datetime-local value as an ISO instant, or undefined. */
function fromLocalInput(value: string, timeZone: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  return fromWallTime({ year, month, day, hour, minute }, timeZone).toISOString();
}

export function TraceSearchForm({ initial, maxRangeDays }: { initial: TraceFilters; maxRangeDays: number }) {
  const { t, timeZone } = useI18n();
  const router = useRouter();
  const ids = useId();
  const zone = timeZone ?? undefined;
  // The range is shown in the reader's zone, which only the browser knows.
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  useEffect(() => {
    setSince(toLocalInput(initial.since, zone));
    setUntil(toLocalInput(initial.until, zone));
  }, [initial.since, initial.until, zone]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams();
    for (const name of ["sender", "recipient", "subject", "mid", "client", "result"]) {
      const value = String(form.get(name) ?? "").trim();
      if (value) params.set(name, value);
    }
    const from = fromLocalInput(since, zone);
    const to = fromLocalInput(until, zone);
    if (from) params.set("since", from);
    if (to) params.set("until", to);
    router.push(`/admin/trace?${params.toString()}`);
  };

  const field = (name: keyof TraceFilters, label: MessageKey, max: number) => (
    <label className="grid gap-1 text-xs font-medium text-slate-600" htmlFor={`${ids}-${name}`}>
      {t(label)}
      <input id={`${ids}-${name}`} name={name} defaultValue={initial[name] ?? ""} maxLength={max} className={CONTROL} />
    </label>
  );

  return (
    <form onSubmit={submit} aria-label={t("trace.form")} className="grid grid-cols-1 gap-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {field("sender", "trace.sender", 320)}
        {field("recipient", "trace.recipient", 320)}
        {field("subject", "trace.subject", 500)}
        {field("mid", "trace.messageId", 998)}
        {field("client", "trace.clientAddress", 64)}
        <label className="grid gap-1 text-xs font-medium text-slate-600" htmlFor={`${ids}-result`}>
          {t("trace.result")}
          <select id={`${ids}-result`} name="result" defaultValue={initial.result ?? ""} className={CONTROL}>
            <option value="">{t("trace.anyResult")}</option>
            {RESULTS.map((r) => (
              <option key={r.value} value={r.value}>
                {t(r.label)}
              </option>
            ))}
          </select>
        </label>
        <label className="grid gap-1 text-xs font-medium text-slate-600" htmlFor={`${ids}-since`}>
          {t("trace.since")}
          <input
            id={`${ids}-since`}
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            className={CONTROL}
          />
        </label>
        <label className="grid gap-1 text-xs font-medium text-slate-600" htmlFor={`${ids}-until`}>
          {t("trace.until")}
          <input
            id={`${ids}-until`}
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            className={CONTROL}
          />
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <button
          type="submit"
          className="rounded-md bg-slate-900 px-3.5 py-1.5 text-sm font-medium text-white hover:bg-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:ring-offset-2 focus-visible:outline-none"
        >
          {t("trace.search")}
        </button>
        <p className="text-xs text-slate-500">{t("trace.rangeHint", { days: maxRangeDays })}</p>
      </div>
    </form>
  );
}
