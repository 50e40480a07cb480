"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { MAX_QUERY_CHARS } from "../../../../server/limits.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { MailboxSelect } from "./mailbox-select.tsx";

export function ExportForm({ mailboxes }: { mailboxes: { id: number; address: string }[] }) {
  const t = useT();
  const id = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const start = useMutation(
    trpc.admin.transfers.startExport.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.transfers.list.queryKey() }),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start.mutate({
      mailboxId: Number(data.get("mailboxId")),
      format: data.get("format") === "eml-zip" ? "eml-zip" : "mbox",
      query: String(data.get("query") ?? "").trim() || undefined,
    });
  }

  return (
    <form onSubmit={onSubmit} aria-label={t("transfer.exportTitle")} className="grid grid-cols-1 gap-3" noValidate>
      <MailboxSelect id={`${id}-mailbox`} mailboxes={mailboxes} />
      <fieldset className="grid gap-1 text-sm text-slate-700">
        <legend>{t("transfer.format")}</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="format" value="mbox" defaultChecked />
          {t("transfer.formatMbox")}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="format" value="eml-zip" />
          {t("transfer.formatZip")}
        </label>
      </fieldset>
      <div className="grid gap-1 text-sm text-slate-700">
        <label htmlFor={`${id}-query`}>{t("transfer.query")}</label>
        <input
          id={`${id}-query`}
          name="query"
          type="search"
          maxLength={MAX_QUERY_CHARS}
          aria-describedby={`${id}-query-hint`}
          className="rounded-md border border-stone-300 px-2 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
        />
        <span id={`${id}-query-hint`} className="text-xs text-slate-500">
          {t("transfer.queryHint")}
        </span>
      </div>
      <div>
        <button
          type="submit"
          disabled={start.isPending}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {start.isPending ? t("transfer.exporting") : t("transfer.export")}
        </button>
      </div>
      <FormMessage error={start.error} success={start.isSuccess ? t("transfer.queuedExport") : null} />
    </form>
  );
}
