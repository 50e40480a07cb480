"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { DELETED_RETENTION_DAYS, MAX_DELETED_RETENTION_DAYS } from "../../../../server/limits.ts";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

/** One mailbox's retention window for deleted mail; empty or "Use the default" returns it to the default. */
export function RetentionForm(props: { mailboxId: number; address: string; days: number; isDefault: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const id = useId();
  const [saved, setSaved] = useState<number | null>(null);
  const save = useMutation(
    trpc.recovery.admin.setRetention.mutationOptions({
      onSuccess: (result) => {
        setSaved(result.days);
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("days") ?? "").trim();
    save.mutate({ mailboxId: props.mailboxId, days: value === "" ? null : Number(value) });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" noValidate>
      <label htmlFor={id} className="min-w-64 text-sm text-slate-700">
        {t("recovery.retentionDays", { mailbox: props.address })}
      </label>
      <input
        id={id}
        name="days"
        type="number"
        min={1}
        max={MAX_DELETED_RETENTION_DAYS}
        defaultValue={props.isDefault ? "" : props.days}
        placeholder={t("recovery.retentionDefault", { days: DELETED_RETENTION_DAYS })}
        aria-describedby={`${id}-hint`}
        className="w-40 rounded-md border border-stone-300 px-2 py-1 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
      />
      <button
        type="submit"
        disabled={save.isPending}
        className="rounded-md border border-stone-300 px-3 py-1 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
      >
        {save.isPending ? t("common.saving") : t("common.save")}
      </button>
      {props.isDefault ? null : (
        <button
          type="button"
          disabled={save.isPending}
          onClick={() => save.mutate({ mailboxId: props.mailboxId, days: null })}
          className="rounded-md px-2 py-1 text-sm text-slate-600 underline hover:text-slate-900 disabled:opacity-60"
        >
          {t("recovery.useDefault")}
        </button>
      )}
      <p id={`${id}-hint`} className="w-full text-xs text-slate-500">
        {t("recovery.retentionHint", { max: MAX_DELETED_RETENTION_DAYS })}
      </p>
      {save.error ? (
        <p role="alert" className="w-full text-xs text-rose-700">
          <ErrorText error={save.error} />
        </p>
      ) : saved !== null ? (
        <p role="status" className="w-full text-xs text-emerald-700">
          {t("recovery.retentionSaved", { mailbox: props.address, days: saved })}
        </p>
      ) : null}
    </form>
  );
}
