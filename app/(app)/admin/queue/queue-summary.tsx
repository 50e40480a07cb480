"use client";
import { useQuery } from "@tanstack/react-query";
import { QUEUE_PAGE_REFRESH_MS } from "../../../../server/limits.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { useRelativeAge } from "../../../components/relative-age.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const LINK =
  "font-medium text-slate-900 underline decoration-stone-300 underline-offset-2 hover:decoration-slate-600 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none";

const iso = (value: Date | string) => new Date(value).toISOString();

function Totals({ jobs, oldest }: { jobs: number; oldest: string }) {
  const t = useT();
  return (
    <p className="mb-3 text-sm text-slate-700">{t("queue.totals", { count: jobs, age: useRelativeAge(oldest) })}</p>
  );
}

/** The waiting jobs per destination domain, busiest first. */
export function QueueSummary({ onDomain }: { onDomain: (domain: string) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const summary = useQuery(
    trpc.admin.queue.summary.queryOptions(undefined, { refetchInterval: QUEUE_PAGE_REFRESH_MS }),
  );
  const data = summary.data;
  if (!data) return null;
  if (data.jobs === 0 || data.oldest === null) {
    return <p className="text-sm text-slate-500">{t("queue.nothingWaiting")}</p>;
  }
  return (
    <div>
      <Totals jobs={data.jobs} oldest={iso(data.oldest)} />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("queue.colDomain")}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t("queue.colWaiting")}
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("queue.colOldest")}
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("queue.colLastReply")}
              </th>
              <th scope="col" className="py-2 font-medium">
                {t("queue.colNextAttempt")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {data.domains.map((d) => (
              <tr key={d.domain} data-testid="queue-domain-row">
                <th scope="row" className="py-2 pr-3 text-left font-normal break-all">
                  <button
                    type="button"
                    className={LINK}
                    aria-label={t("queue.showDomain", { domain: d.domain })}
                    onClick={() => onDomain(d.domain)}
                  >
                    {d.domain}
                  </button>
                </th>
                <td className="py-2 pr-3 text-right tabular-nums">{d.jobs}</td>
                <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                  <LocalTime iso={iso(d.oldest)} />
                </td>
                <td className="py-2 pr-3 break-words text-slate-600">{d.lastReply ?? t("queue.never")}</td>
                <td className="py-2 whitespace-nowrap text-slate-600">
                  <LocalTime iso={iso(d.nextAttemptAt)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
