"use client";
// The delivery jobs, filtered by state, destination domain and age, each with
// its last reply and next attempt, and "Retry now" / "Drop" for waiting ones.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useState } from "react";
import { QUEUE_PAGE_REFRESH_MS } from "../../../../server/limits.ts";
import { ErrorText } from "../../../components/error-text.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

const STATES = ["waiting", "queued", "deferred", "delivered", "bounced", "expired", "all"] as const;
type StateFilter = (typeof STATES)[number];

/** Ages offered, in minutes ("" for any). */
const AGES: [string, MessageKey][] = [
  ["", "queue.age.any"],
  ["10", "queue.age.10m"],
  ["60", "queue.age.1h"],
  ["360", "queue.age.6h"],
  ["1440", "queue.age.1d"],
  ["4320", "queue.age.3d"],
];

export interface QueueFilter {
  state: StateFilter;
  domain?: string;
  olderThanMinutes?: number;
}

const CONTROL =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";
const BUTTON =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";
const DANGER =
  "rounded-md border border-rose-300 bg-rose-50 px-2.5 py-1 text-xs font-medium text-rose-800 hover:bg-rose-100 focus-visible:ring-2 focus-visible:ring-rose-400 focus-visible:outline-none disabled:opacity-60";

const iso = (value: Date | string) => new Date(value).toISOString();
const waiting = (state: string) => state === "queued" || state === "deferred";

function stateKey(state: string): MessageKey {
  return `queue.state.${STATES.includes(state as StateFilter) ? state : "all"}` as MessageKey;
}

function FilterForm({ filter, onFilter }: { filter: QueueFilter; onFilter: (filter: QueueFilter) => void }) {
  const t = useT();
  const ids = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const domain = String(form.get("domain") ?? "").trim();
    const age = String(form.get("age") ?? "");
    onFilter({
      state: String(form.get("state")) as StateFilter,
      domain: domain === "" ? undefined : domain,
      olderThanMinutes: age === "" ? undefined : Number(age),
    });
  };
  return (
    // Keyed by the filter, so that choosing a domain in the summary shows in the fields.
    <form
      key={JSON.stringify(filter)}
      onSubmit={submit}
      aria-label={t("queue.filters")}
      className="flex flex-wrap items-end gap-3"
    >
      <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-state`}>
        {t("queue.filterState")}
        <select id={`${ids}-state`} name="state" className={CONTROL} defaultValue={filter.state}>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(stateKey(s))}
            </option>
          ))}
        </select>
      </label>
      <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-domain`}>
        {t("queue.filterDomain")}
        <input id={`${ids}-domain`} name="domain" className={CONTROL} maxLength={255} defaultValue={filter.domain} />
      </label>
      <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-age`}>
        {t("queue.filterAge")}
        <select
          id={`${ids}-age`}
          name="age"
          className={CONTROL}
          defaultValue={filter.olderThanMinutes === undefined ? "" : String(filter.olderThanMinutes)}
        >
          {AGES.map(([value, key]) => (
            <option key={value} value={value}>
              {t(key)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={BUTTON}>
        {t("queue.filter")}
      </button>
    </form>
  );
}

export function QueueJobs({ filter, onFilter }: { filter: QueueFilter; onFilter: (filter: QueueFilter) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useInfiniteQuery(
    trpc.admin.queue.list.infiniteQueryOptions(filter, {
      getNextPageParam: (last) => last.nextCursor,
      refetchInterval: QUEUE_PAGE_REFRESH_MS,
      // A refused filter is said at once; the interval reads the queue again anyway.
      retry: false,
    }),
  );
  const [done, setDone] = useState<{ key: MessageKey; id: number } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.queue.pathKey() }).catch(() => {});
  const retry = useMutation(
    trpc.admin.queue.retry.mutationOptions({
      onSuccess: ({ jobId }) => {
        setDone({ key: "queue.retried", id: jobId });
        refresh();
      },
    }),
  );
  const drop = useMutation(
    trpc.admin.queue.drop.mutationOptions({
      onSuccess: ({ jobId }) => {
        setConfirming(null);
        setDone({ key: "queue.dropped", id: jobId });
        refresh();
      },
    }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const failed = retry.error ?? drop.error;
  const busy = retry.isPending || drop.isPending;

  return (
    <div>
      <FilterForm filter={filter} onFilter={onFilter} />
      <div className="mt-4 min-h-6 text-sm" aria-live="polite">
        {failed ? (
          <p role="alert" className="text-rose-700">
            <ErrorText error={failed} />
          </p>
        ) : done ? (
          <p role="status" className="text-emerald-700">
            {t(done.key, { id: done.id })}
          </p>
        ) : null}
      </div>
      {list.error ? (
        <p role="alert" className="text-sm text-rose-700">
          <ErrorText error={list.error} />
        </p>
      ) : list.isLoading ? null : items.length === 0 ? (
        <p className="text-sm text-slate-500">{t("queue.empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colJob")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colMessage")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colState")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colLastReply")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colNextAttempt")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("queue.colQueued")}
                </th>
                <th scope="col" className="py-2 font-medium">
                  <span className="sr-only">{t("queue.colActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {items.map((job) => (
                <tr key={job.id} data-testid="queue-job-row" data-job-id={job.id} className="align-top">
                  <td className="py-2 pr-3 tabular-nums text-slate-600">{job.id}</td>
                  <td className="py-2 pr-3 break-words">
                    {job.subject ? <span className="block font-medium text-slate-900">{job.subject}</span> : null}
                    {job.messageIdHeader ? (
                      <Link
                        href={`/admin/trace?${new URLSearchParams({ mid: job.messageIdHeader })}`}
                        aria-label={t("queue.traceJob", { id: job.id })}
                        className="text-xs text-slate-700 underline underline-offset-2 hover:text-slate-900"
                      >
                        {t("queue.trace")}
                      </Link>
                    ) : null}
                    <span className="block text-xs break-all text-slate-600">
                      {job.mailFrom === "" ? t("queue.nullSender") : t("queue.from", { address: job.mailFrom })}
                    </span>
                    <span className="block text-xs break-all text-slate-600">
                      {t("queue.to", { recipients: job.recipients.map((r) => r.address).join(", ") })}
                    </span>
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <span className="block">{t(stateKey(job.state))}</span>
                    <span className="block text-xs text-slate-500">
                      {t("queue.colAttempts")}: {job.attempts}
                    </span>
                  </td>
                  <td className="py-2 pr-3 break-words text-slate-600">
                    {job.lastReply ?? t("queue.never")}
                    {job.lastAttemptAt ? (
                      <span className="block text-xs text-slate-500">
                        {t("queue.lastTried")} <LocalTime iso={iso(job.lastAttemptAt)} />
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                    {waiting(job.state) ? <LocalTime iso={iso(job.nextAttemptAt)} /> : null}
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                    <LocalTime iso={iso(job.createdAt)} />
                  </td>
                  <td className="py-2">
                    {waiting(job.state) ? (
                      confirming === job.id ? (
                        <fieldset aria-label={t("queue.dropJob", { id: job.id })} className="grid grid-cols-1 gap-2">
                          <p className="max-w-56 text-xs text-slate-700">{t("queue.dropConfirm", { id: job.id })}</p>
                          <div className="flex gap-2">
                            <button
                              type="button"
                              className={DANGER}
                              disabled={busy}
                              onClick={() => drop.mutate({ jobId: job.id })}
                            >
                              {t("queue.confirmDrop")}
                            </button>
                            <button type="button" className={BUTTON} onClick={() => setConfirming(null)}>
                              {t("common.cancel")}
                            </button>
                          </div>
                        </fieldset>
                      ) : (
                        <div className="flex flex-wrap justify-end gap-2">
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={busy}
                            aria-label={t("queue.retryJob", { id: job.id })}
                            onClick={() => {
                              setDone(null);
                              retry.mutate({ jobId: job.id });
                            }}
                          >
                            {t("queue.retry")}
                          </button>
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={busy}
                            aria-label={t("queue.dropJob", { id: job.id })}
                            onClick={() => {
                              setDone(null);
                              setConfirming(job.id);
                            }}
                          >
                            {t("queue.drop")}
                          </button>
                        </div>
                      )
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage ? (
            <button type="button" className={`${BUTTON} mt-3`} onClick={() => list.fetchNextPage()}>
              {t("queue.loadMore")}
            </button>
          ) : null}
        </div>
      )}
      <button type="button" className={`${BUTTON} mt-4`} onClick={refresh}>
        {t("queue.refresh")}
      </button>
    </div>
  );
}
