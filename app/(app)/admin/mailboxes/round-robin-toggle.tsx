"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

/** New inbound conversations are assigned in turn to available members when on. */
export function RoundRobinToggle({
  mailboxId,
  address,
  enabled,
}: {
  mailboxId: number;
  address: string;
  enabled: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const save = useMutation(trpc.workflow.setRoundRobin.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input
        type="checkbox"
        checked={enabled}
        disabled={save.isPending}
        aria-label={t("admin.roundRobinFor", { address })}
        onChange={(e) => save.mutate({ mailboxId, enabled: e.target.checked })}
        className="h-4 w-4 rounded border-stone-300"
      />
      {t("admin.roundRobin")}
      {save.error ? (
        <span role="alert" className="text-xs text-rose-700">
          <ErrorText error={save.error} />
        </span>
      ) : null}
    </label>
  );
}
