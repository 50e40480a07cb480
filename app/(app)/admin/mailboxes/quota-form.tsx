"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export function QuotaForm({ address, current }: { address: string; current: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const id = useId();
  const save = useMutation(trpc.admin.mailboxes.setQuota.mutationOptions({ onSuccess: () => router.refresh() }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ address, quota: String(new FormData(event.currentTarget).get("quota") ?? "") });
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" noValidate>
      <label htmlFor={id} className="sr-only">
        {t("admin.quotaFor", { address })}
      </label>
      <input
        id={id}
        name="quota"
        defaultValue={current}
        placeholder={t("admin.unlimited")}
        aria-describedby={save.error ? `${id}-error` : undefined}
        className="w-28 rounded-md border border-stone-300 px-2 py-1 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
      />
      <button
        type="submit"
        disabled={save.isPending}
        aria-label={t("admin.saveQuotaFor", { address })}
        className="rounded-md border border-stone-300 px-3 py-1 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
      >
        {save.isPending ? t("common.saving") : t("admin.setQuota")}
      </button>
      {save.error ? (
        <p id={`${id}-error`} role="alert" className="w-full text-xs text-rose-700">
          <ErrorText error={save.error} />
        </p>
      ) : null}
    </form>
  );
}
