"use client";
// "Available" in the user menu: round-robin assignment skips those who are not.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useT } from "../i18n/client.tsx";
import { useTRPC } from "../trpc/client.ts";

export function AvailabilityToggle() {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.workflow.availability.queryOptions());
  const save = useMutation(
    trpc.workflow.setAvailability.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.workflow.availability.queryKey() }),
    }),
  );
  const available = save.isPending ? save.variables.available : current.data;
  return (
    <label className="mt-2 flex items-center gap-2 text-xs text-slate-600">
      <input
        type="checkbox"
        checked={available ?? false}
        disabled={current.data === undefined || save.isPending}
        onChange={(e) => save.mutate({ available: e.target.checked })}
        className="h-3.5 w-3.5 rounded border-stone-300"
      />
      {t("shell.available")}
    </label>
  );
}
