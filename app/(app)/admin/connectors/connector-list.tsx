"use client";
// Each connector with its state, progress bar, counts, last sync and last
// error; re-read every second while one connects or imports, every few
// seconds otherwise.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ShownConnector } from "../../../../server/api/routers/admin-connectors.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { ConnectorForm } from "./connector-form.tsx";

const ACTIVE_REFRESH_MS = 1_000;
const IDLE_REFRESH_MS = 5_000;
const BUSY = new Set(["waiting", "connecting", "importing", "syncing"]);

export function ConnectorList({ initial }: { initial: ShownConnector[] }) {
  const trpc = useTRPC();
  const t = useT();
  const list = useQuery({
    ...trpc.admin.connectors.list.queryOptions(undefined, {
      refetchInterval: (query) =>
        (query.state.data ?? []).some((c) => BUSY.has(c.status)) ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS,
    }),
    initialData: initial,
  });
  if (list.data.length === 0) return <p className="text-sm text-slate-500">{t("connector.none")}</p>;
  return (
    <ul className="divide-y divide-stone-100">
      {list.data.map((c) => (
        <ConnectorRow key={c.id} connector={c} />
      ))}
    </ul>
  );
}

function ConnectorRow({ connector: c }: { connector: ShownConnector }) {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.connectors.list.queryKey() });
  const pause = useMutation(trpc.admin.connectors.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.admin.connectors.resume.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.connectors.remove.mutationOptions({ onSuccess: refresh }));
  const [editing, setEditing] = useState(false);
  const writeBack = [
    c.markSeen === "imported"
      ? t("connector.markSeenImported")
      : c.markSeen === "closed"
        ? t("connector.markSeenClosed")
        : null,
    c.moveTo ? t("connector.writeBackMove", { folder: c.moveTo }) : null,
  ].filter(Boolean);
  const button =
    "rounded-md border border-stone-300 px-2.5 py-1 text-xs text-slate-700 hover:bg-stone-50 disabled:opacity-60";
  return (
    <li className="py-4 first:pt-0 last:pb-0" data-testid="connector-row" aria-labelledby={`connector-${c.id}`}>
      <h3 id={`connector-${c.id}`} className="text-sm font-medium break-all">
        {t("connector.rowTitle", { url: c.url, address: c.address })}
      </h3>
      <p className="text-xs text-slate-600">{t("connector.foldersLine", { folders: c.folders.join(", ") })}</p>
      <p className="text-xs text-slate-600" data-testid="connector-write-back">
        {t("connector.writeBackLine", { what: writeBack.length ? writeBack.join(", ") : t("connector.writeBackOff") })}
      </p>
      <p className="text-xs text-slate-600 break-all" data-testid="connector-relay">
        {c.relay
          ? t("connector.relayLine", { address: c.address, url: c.relay.url })
          : t("connector.relayNone", { address: c.address })}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <div
          role="progressbar"
          aria-label={t("connector.progressOf", { id: c.id })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={c.percent}
          className="h-2 w-64 rounded-full bg-stone-100"
        >
          <div
            className={`h-2 rounded-full ${c.status === "error" ? "bg-rose-600" : c.percent === 100 ? "bg-emerald-600" : "bg-slate-700"}`}
            style={{ width: `${c.percent}%` }}
          />
        </div>
        <span className="text-xs text-slate-700" data-testid="connector-state">
          {c.percent}% · {t(`connector.state.${c.status}` as MessageKey)}
        </span>
      </div>
      <p className="mt-1 text-xs text-slate-600">
        {t("connector.progress", { done: c.scanDone, total: c.scanTotal })} ·{" "}
        <span data-testid="connector-imported">{t("connector.imported", { count: c.imported })}</span>
      </p>
      <p className="mt-1 text-xs text-slate-600">
        {t("connector.lastSync")} {c.lastSyncAt ? <LocalTime iso={c.lastSyncAt} /> : t("connector.never")}
      </p>
      {c.lastError ? (
        <p className="mt-1 text-xs text-rose-700" data-testid="connector-error">
          {t("connector.lastError")} {c.lastErrorAt ? <LocalTime iso={c.lastErrorAt} /> : null}: {c.lastError}
        </p>
      ) : null}
      <div className="mt-2 flex flex-wrap gap-2">
        {c.paused ? (
          <button
            type="button"
            className={button}
            disabled={resume.isPending}
            aria-label={t("connector.resumeOf", { id: c.id })}
            onClick={() => resume.mutate({ connectorId: c.id })}
          >
            {t("connector.resume")}
          </button>
        ) : (
          <button
            type="button"
            className={button}
            disabled={pause.isPending}
            aria-label={t("connector.pauseOf", { id: c.id })}
            onClick={() => pause.mutate({ connectorId: c.id })}
          >
            {t("connector.pause")}
          </button>
        )}
        <button
          type="button"
          className={button}
          aria-expanded={editing}
          aria-label={editing ? t("connector.cancelEdit") : t("connector.editOf", { id: c.id })}
          onClick={() => setEditing(!editing)}
        >
          {editing ? t("connector.cancelEdit") : t("connector.edit")}
        </button>
        <button
          type="button"
          className={button}
          disabled={remove.isPending}
          aria-label={t("connector.removeOf", { id: c.id })}
          onClick={() => {
            if (window.confirm(t("connector.removeConfirm"))) remove.mutate({ connectorId: c.id });
          }}
        >
          {t("connector.remove")}
        </button>
      </div>
      <FormMessage error={pause.error ?? resume.error ?? remove.error} />
      {editing ? (
        <div className="mt-3 rounded-md border border-stone-200 p-3">
          <ConnectorForm connector={c} />
        </div>
      ) : null}
    </li>
  );
}
