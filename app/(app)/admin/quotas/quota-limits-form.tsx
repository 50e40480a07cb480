"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import type { MailboxUsage } from "../../../../server/quotas/quota-overview.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const input =
  "w-28 rounded-md border border-stone-300 px-2 py-1 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

/** Storage and message limits and the warning thresholds of one mailbox. */
export function QuotaLimitsForm({ usage }: { usage: MailboxUsage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useT();
  const id = useId();
  const save = useMutation(
    trpc.quotas.setLimits.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.quotas.overview.queryKey() }),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const thresholds = text("warn")
      .split(/[,、\s]+/)
      .map((s) => s.replace(/[%％]$/, ""))
      .filter(Boolean)
      .map(Number);
    save.mutate({ address: usage.address, quota: text("quota"), messages: text("messages"), warnPercents: thresholds });
  }

  const field = (name: string, label: string, hint: string, value: string) => (
    <label className="block text-xs text-slate-600" htmlFor={`${id}-${name}`}>
      {label}
      <input
        id={`${id}-${name}`}
        name={name}
        defaultValue={value}
        placeholder={t("quota.unlimited")}
        title={hint}
        className={`${input} mt-0.5 block`}
      />
    </label>
  );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("quota.limitsOf", { address: usage.address })}
      className="flex flex-wrap items-end gap-2"
    >
      {field(
        "quota",
        t("quota.storageLimit"),
        t("quota.storageLimitHint"),
        usage.quotaBytes === null ? "" : formatSize(usage.quotaBytes).replace(" ", ""),
      )}
      {field(
        "messages",
        t("quota.messageLimit"),
        t("quota.messageLimitHint"),
        usage.quotaMessages === null ? "" : String(usage.quotaMessages),
      )}
      {field("warn", t("quota.thresholds"), t("quota.thresholdsHint"), usage.warnPercents.join(", "))}
      <button
        type="submit"
        disabled={save.isPending}
        aria-label={t("quota.saveLimitsOf", { address: usage.address })}
        className="rounded-md border border-stone-300 px-3 py-1 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
      >
        {save.isPending ? t("common.saving") : t("quota.saveLimits")}
      </button>
      <div className="w-full">
        <FormMessage
          error={save.error}
          success={save.isSuccess ? t("quota.saved", { address: usage.address }) : null}
        />
      </div>
    </form>
  );
}
