"use client";
// "After sending a reply or closing a conversation, go to the next one":
// saved as soon as it is switched, shown at once.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

export function GoToNextToggle({ initial }: { initial: boolean }) {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const [on, setOn] = useState(initial);
  const save = useMutation(
    trpc.preferences.setGoToNext.mutationOptions({
      onSuccess: () => router.refresh(),
      onError: () => setOn((value) => !value),
    }),
  );
  return (
    <div className="space-y-2">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={on}
          disabled={save.isPending}
          onChange={(e) => {
            setOn(e.target.checked);
            save.mutate({ goToNext: e.target.checked });
          }}
          className="h-4 w-4 rounded border-stone-300 accent-slate-900"
        />
        {t("settings.goToNext")}
      </label>
      <FormMessage error={save.error} />
    </div>
  );
}
