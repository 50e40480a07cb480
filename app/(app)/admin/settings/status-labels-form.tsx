"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const STATUSES = [
  { key: "open", name: "status.open" },
  { key: "pending", name: "status.pending" },
  { key: "closed", name: "status.closed" },
  { key: "spam", name: "status.spam" },
] as const;

type Labels = Record<(typeof STATUSES)[number]["key"], string>;

export function StatusLabelsForm({ initial }: { initial: Labels }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const id = useId();
  const save = useMutation(trpc.workflow.setStatusLabels.mutationOptions({ onSuccess: () => router.refresh() }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const labels = Object.fromEntries(STATUSES.map((s) => [s.key, String(form.get(s.key) ?? "")])) as Labels;
    save.mutate(labels);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      {STATUSES.map((s) => (
        <div key={s.key} className="flex items-center gap-3">
          <label htmlFor={`${id}-${s.key}`} className="w-24 text-sm text-slate-600">
            {t(s.name)}
          </label>
          <input
            id={`${id}-${s.key}`}
            name={s.key}
            defaultValue={initial[s.key]}
            maxLength={40}
            className="w-56 rounded-md border border-stone-300 px-2 py-1 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
          />
        </div>
      ))}
      <button
        type="submit"
        disabled={save.isPending}
        className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {save.isPending ? t("common.saving") : t("admin.saveLabels")}
      </button>
      {save.error ? (
        <p role="alert" className="text-sm text-rose-700">
          <ErrorText error={save.error} />
        </p>
      ) : save.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700">
          {t("admin.saved")}
        </p>
      ) : null}
    </form>
  );
}
