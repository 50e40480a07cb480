"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

/** Recounts a mailbox's usage from its messages and says what drift it corrected. */
export function RecalculateButton({ address }: { address: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useT();
  const recount = useMutation(
    trpc.quotas.recalculate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.quotas.overview.queryKey() }),
    }),
  );
  const drift = recount.data?.drift;
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  return (
    <div className="flex flex-col items-start gap-1">
      <button
        type="button"
        onClick={() => recount.mutate({ address })}
        disabled={recount.isPending}
        aria-label={t("quota.recalculateOf", { address })}
        className="rounded-md border border-stone-300 px-3 py-1 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
      >
        {recount.isPending ? t("common.working") : t("quota.recalculate")}
      </button>
      <FormMessage
        error={recount.error}
        success={
          drift
            ? drift.bytes === 0 && drift.messages === 0
              ? t("quota.noDrift", { address })
              : t("quota.drift", { address, messages: signed(drift.messages), bytes: signed(drift.bytes) })
            : null
        }
      />
    </div>
  );
}
