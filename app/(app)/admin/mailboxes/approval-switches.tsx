"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { useSwitchSaves } from "./use-switch-saves.ts";

export interface ApprovalMember {
  userId: number;
  name: string;
  email: string;
  needsApproval: boolean;
  reviewer: boolean;
}

type SwitchKey = `${number}:${"needsApproval" | "reviewer"}`;

/**
 * Approval (確認者) per member: whose replies are held, and who reviews them.
 * A click shows at once; saves follow in order (use-switch-saves.ts).
 */
export function ApprovalSwitches({
  mailboxId,
  address,
  members,
}: {
  mailboxId: number;
  address: string;
  members: ApprovalMember[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const save = useMutation(trpc.approval.setMember.mutationOptions());
  const [error, setError] = useState<{ message: string } | null>(null);
  const switches = useSwitchSaves<SwitchKey>({
    current: (key) => {
      const [userId, which] = key.split(":") as [string, "needsApproval" | "reviewer"];
      return members.find((m) => m.userId === Number(userId))?.[which] ?? false;
    },
    save: (key, on) => {
      const [userId, which] = key.split(":") as [string, "needsApproval" | "reviewer"];
      setError(null);
      return save.mutateAsync({ mailboxId, userId: Number(userId), [which]: on });
    },
    onSettled: () => router.refresh(),
    onError: (e) => setError(e as { message: string }),
  });
  if (members.length === 0) return null;
  return (
    <fieldset className="text-sm">
      <legend className="text-xs font-medium text-slate-600">{t("admin.approvalIn", { address })}</legend>
      <ul className="mt-1 space-y-1">
        {members.map((m) => {
          const who = m.name || m.email;
          return (
            <li key={m.userId} className="flex flex-wrap items-center gap-x-4 gap-y-1">
              <span className="min-w-40 text-slate-700">{who}</span>
              <label className="flex items-center gap-1.5 text-slate-700">
                <input
                  type="checkbox"
                  checked={switches.isOn(`${m.userId}:needsApproval`)}
                  aria-label={t("admin.needsApprovalFor", { who, address })}
                  onChange={(e) => switches.toggle(`${m.userId}:needsApproval`, e.target.checked)}
                  className="h-4 w-4 rounded border-stone-300"
                />
                {t("admin.needsApproval")}
              </label>
              <label className="flex items-center gap-1.5 text-slate-700">
                <input
                  type="checkbox"
                  checked={switches.isOn(`${m.userId}:reviewer`)}
                  aria-label={t("admin.reviewerFor", { who, address })}
                  onChange={(e) => switches.toggle(`${m.userId}:reviewer`, e.target.checked)}
                  className="h-4 w-4 rounded border-stone-300"
                />
                {t("admin.reviewer")}
              </label>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-rose-700">
          <ErrorText error={error} />
        </p>
      ) : null}
    </fieldset>
  );
}
