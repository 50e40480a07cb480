"use client";
// The audit log: filters (actor, action, subject, client address, time range),
// newest first with "Load more", and a CSV export of the same filters
// (app/api/admin/audit-log/route.ts).
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { fromWallTime, parseWallTime } from "../../../components/zoned-time.ts";
import { useI18n } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

interface Filter {
  actor?: string;
  action?: string;
  subject?: string;
  address?: string;
  since?: string;
  until?: string;
}

const CONTROL =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";
const BUTTON =
  "inline-block rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

const TEXT_FIELDS = [
  ["actor", "audit.filterActor"],
  ["action", "audit.filterAction"],
  ["subject", "audit.filterSubject"],
  ["address", "audit.filterAddress"],
] as const;

const iso = (value: Date | string) => new Date(value).toISOString();

/** The export's URL for a filter: the same names the route reads. */
function exportUrl(filter: Filter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  const query = params.toString();
  return `/api/admin/audit-log${query ? `?${query}` : ""}`;
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useI18n();
  if (before == null && after == null) return null;
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-slate-600">{t("audit.showChange")}</summary>
      <dl className="mt-1 grid gap-1">
        {before != null ? (
          <>
            <dt className="font-medium text-slate-600">{t("audit.before")}</dt>
            <dd>
              <pre className="max-w-md overflow-x-auto rounded bg-stone-50 p-1 whitespace-pre-wrap break-all">
                {JSON.stringify(before, null, 1)}
              </pre>
            </dd>
          </>
        ) : null}
        {after != null ? (
          <>
            <dt className="font-medium text-slate-600">{t("audit.after")}</dt>
            <dd>
              <pre className="max-w-md overflow-x-auto rounded bg-stone-50 p-1 whitespace-pre-wrap break-all">
                {JSON.stringify(after, null, 1)}
              </pre>
            </dd>
          </>
        ) : null}
      </dl>
    </details>
  );
}

export function AuditLog() {
  const { t, timeZone } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const [filter, setFilter] = useState<Filter>({});
  const list = useInfiniteQuery(
    trpc.admin.audit.search.infiniteQueryOptions(filter, {
      getNextPageParam: (last) => last.nextCursor,
      // A filter the server refuses (a range too long) is said at once, not after three retries.
      retry: false,
    }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  // A date-time typed in the form means that time in the reader's zone (Settings), else the browser's.
  const instant = (value: string) => {
    const wall = parseWallTime(value);
    return wall ? fromWallTime(wall, timeZone ?? undefined).toISOString() : value;
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const since = text("since");
    const until = text("until");
    setFilter({
      actor: text("actor"),
      action: text("action"),
      subject: text("subject"),
      address: text("address"),
      since: since === undefined ? undefined : instant(since),
      until: until === undefined ? undefined : instant(until),
    });
  };

  return (
    <div>
      <form onSubmit={submit} aria-label={t("audit.filters")} className="flex flex-wrap items-end gap-3">
        {TEXT_FIELDS.map(([name, label]) => (
          <label key={name} className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-${name}`}>
            {t(label)}
            <input id={`${ids}-${name}`} name={name} className={CONTROL} maxLength={320} />
          </label>
        ))}
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-since`}>
          {t("audit.filterSince")}
          <input id={`${ids}-since`} name="since" type="datetime-local" className={CONTROL} />
        </label>
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-until`}>
          {t("audit.filterUntil")}
          <input id={`${ids}-until`} name="until" type="datetime-local" className={CONTROL} />
        </label>
        <button type="submit" className={BUTTON}>
          {t("audit.search")}
        </button>
        {list.error ? null : (
          <a href={exportUrl(filter)} download className={BUTTON}>
            {t("audit.exportCsv")}
          </a>
        )}
      </form>

      <div className="mt-4">
        {list.error ? (
          <p role="alert" className="text-sm text-rose-700">
            <ErrorText error={list.error} />
          </p>
        ) : list.isLoading ? null : items.length === 0 ? (
          <p className="text-sm text-slate-500">{t("audit.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t("audit.colTime")}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t("audit.colActor")}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t("audit.colAction")}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t("audit.colSubject")}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t("audit.colAddress")}
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    {t("audit.colChange")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {items.map((e) => (
                  <tr key={e.id} data-testid="audit-row" className="align-top">
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={iso(e.at)} style="full" />
                    </td>
                    <td className="py-2 pr-3 break-all">
                      {e.actorId === null
                        ? t("audit.system")
                        : (e.actorEmail ?? t("audit.deletedUser", { id: e.actorId }))}
                    </td>
                    <td className="py-2 pr-3 font-mono text-xs break-all text-slate-900">{e.action}</td>
                    <td className="py-2 pr-3 font-mono text-xs break-all text-slate-600">
                      {e.subjectType}:{e.subjectId}
                    </td>
                    <td className="py-2 pr-3 font-mono text-xs break-all text-slate-600">{e.ip ?? ""}</td>
                    <td className="py-2">
                      <Change before={e.before} after={e.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.hasNextPage ? (
              <button type="button" className={`${BUTTON} mt-3`} onClick={() => list.fetchNextPage()}>
                {t("audit.loadMore")}
              </button>
            ) : null}
          </div>
        )}
      </div>
    </div>
  );
}
