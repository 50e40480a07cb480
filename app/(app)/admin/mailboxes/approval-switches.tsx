"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export interface ApprovalMember {
  userId: number;
  name: string;
  email: string;
  needsApproval: boolean;
  reviewer: boolean;
}

/** Approval (確認者) per member: whose replies are held, and who reviews them. */
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
  const save = useMutation(trpc.approval.setMember.mutationOptions({ onSuccess: () => router.refresh() }));
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
                  checked={m.needsApproval}
                  disabled={save.isPending}
                  aria-label={t("admin.needsApprovalFor", { who, address })}
                  onChange={(e) => save.mutate({ mailboxId, userId: m.userId, needsApproval: e.target.checked })}
                  className="h-4 w-4 rounded border-stone-300"
                />
                {t("admin.needsApproval")}
              </label>
              <label className="flex items-center gap-1.5 text-slate-700">
                <input
                  type="checkbox"
                  checked={m.reviewer}
                  disabled={save.isPending}
                  aria-label={t("admin.reviewerFor", { who, address })}
                  onChange={(e) => save.mutate({ mailboxId, userId: m.userId, reviewer: e.target.checked })}
                  className="h-4 w-4 rounded border-stone-300"
                />
                {t("admin.reviewer")}
              </label>
            </li>
          );
        })}
      </ul>
      {save.error ? (
        <p role="alert" className="mt-1 text-xs text-rose-700">
          <ErrorText error={save.error} />
        </p>
      ) : null}
    </fieldset>
  );
}
