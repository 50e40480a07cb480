"use client";
// The jobs, newest first, re-read every second while one waits or runs (so
// its bar moves) and every few seconds otherwise.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ShownTransfer } from "../../../../server/api/routers/admin-transfers.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import { errorText } from "../../../i18n/error-text.ts";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

const ACTIVE_REFRESH_MS = 1_000;
const IDLE_REFRESH_MS = 5_000;

export function TransferList({ initial }: { initial: ShownTransfer[] }) {
  const trpc = useTRPC();
  const t = useT();
  const jobs = useQuery({
    ...trpc.admin.transfers.list.queryOptions(
      {},
      {
        refetchInterval: (query) =>
          (query.state.data ?? []).some((j) => j.state === "queued" || j.state === "running")
            ? ACTIVE_REFRESH_MS
            : IDLE_REFRESH_MS,
      },
    ),
    initialData: initial,
  });
  if (jobs.data.length === 0) return <p className="text-sm text-slate-500">{t("transfer.noJobs")}</p>;
  return (
    <ul className="divide-y divide-stone-100">
      {jobs.data.map((job) => (
        <TransferRow key={job.id} job={job} />
      ))}
    </ul>
  );
}

function TransferRow({ job }: { job: ShownTransfer }) {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.transfers.list.queryKey() });
  const cancel = useMutation(trpc.admin.transfers.cancel.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.admin.transfers.resume.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.transfers.remove.mutationOptions({ onSuccess: refresh }));
  const [open, setOpen] = useState(false);
  const notes = useQuery({ ...trpc.admin.transfers.notes.queryOptions({ jobId: job.id }), enabled: open });
  const title =
    job.kind === "import"
      ? t("transfer.importOf", { file: job.fileName, address: job.address })
      : t("transfer.exportOf", {
          address: job.address,
          format: job.format === "eml-zip" ? t("transfer.formatZip") : t("transfer.formatMbox"),
        });
  const counts =
    job.kind === "import"
      ? t("transfer.importCounts", {
          processed: job.processed,
          imported: job.imported,
          duplicates: job.duplicates,
          unparsed: job.unparsed,
          skipped: job.skipped,
        })
      : t("transfer.exportCounts", { processed: job.processed });
  const reported = job.skipped + job.unparsed;
  const button =
    "rounded-md border border-stone-300 px-2.5 py-1 text-xs text-slate-700 hover:bg-stone-50 disabled:opacity-60";
  return (
    <li className="py-4 first:pt-0 last:pb-0" data-testid="transfer-row" aria-labelledby={`transfer-${job.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`transfer-${job.id}`} className="text-sm font-medium">
          {title}
        </h3>
        <span className="text-xs text-slate-500">
          <LocalTime iso={job.createdAt} />
        </span>
      </div>
      {job.query ? <p className="text-xs text-slate-600">{t("transfer.exportQuery", { query: job.query })}</p> : null}
      <div className="mt-2 flex items-center gap-3">
        <div
          role="progressbar"
          aria-label={t("transfer.progressOf", { id: job.id })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={job.percent}
          className="h-2 w-64 rounded-full bg-stone-100"
        >
          <div
            className={`h-2 rounded-full ${job.state === "failed" ? "bg-rose-600" : job.state === "done" ? "bg-emerald-600" : "bg-slate-700"}`}
            style={{ width: `${job.percent}%` }}
          />
        </div>
        <span className="text-xs text-slate-700" data-testid="transfer-state">
          {job.percent}% · {t(`transfer.state.${job.state}` as MessageKey)}
        </span>
      </div>
      <p className="mt-1 text-xs text-slate-600">{counts}</p>
      {job.interrupted ? (
        <p className="mt-1 text-xs text-amber-800">
          {job.runner === "cli" ? t("transfer.interruptedCli") : t("transfer.interrupted")}
        </p>
      ) : null}
      {job.error ? <p className="mt-1 text-xs text-rose-700">{errorText(job.error, t)}</p> : null}
      {reported > 0 ? (
        <details className="mt-1 text-xs" onToggle={(event) => setOpen(event.currentTarget.open)}>
          <summary className="cursor-pointer text-slate-700">{t("transfer.showNotes")}</summary>
          <ul className="mt-1 grid gap-0.5 text-slate-600">
            {(notes.data ?? []).map((note) => (
              <li key={`${note.item}-${note.location}`}>
                {t("transfer.noteLine", {
                  item: note.item,
                  location: note.location,
                  reason: t(`transfer.reason.${note.reason}` as MessageKey),
                  detail: note.detail,
                })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <div className="mt-2 flex flex-wrap gap-2">
        {job.downloadable ? (
          <a
            href={`/api/admin/transfers/${job.id}/download`}
            aria-label={t("transfer.downloadOf", { file: job.fileName })}
            className={button}
          >
            {t("transfer.download")}
          </a>
        ) : null}
        {job.state === "queued" || job.state === "running" ? (
          <button
            type="button"
            className={button}
            disabled={cancel.isPending}
            aria-label={t("transfer.cancelOf", { id: job.id })}
            onClick={() => cancel.mutate({ jobId: job.id })}
          >
            {t("transfer.cancel")}
          </button>
        ) : null}
        {(job.state === "failed" || job.state === "cancelled") && job.runner === "worker" ? (
          <button
            type="button"
            className={button}
            disabled={resume.isPending}
            aria-label={t("transfer.resumeOf", { id: job.id })}
            onClick={() => resume.mutate({ jobId: job.id })}
          >
            {t("transfer.resume")}
          </button>
        ) : null}
        {job.state !== "queued" && job.state !== "running" ? (
          <button
            type="button"
            className={button}
            disabled={remove.isPending}
            aria-label={t("transfer.removeOf", { id: job.id })}
            onClick={() => remove.mutate({ jobId: job.id })}
          >
            {t("transfer.remove")}
          </button>
        ) : null}
      </div>
      <FormMessage error={cancel.error ?? resume.error ?? remove.error} />
    </li>
  );
}
