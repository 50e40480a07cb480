"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

type OnDelete = "keep" | "delete";

/**
 * What a POP3 client's DELE does to this mailbox (issue 12): keep hides the message from that login's
 * later POP3 sessions only, delete removes it for everyone at QUIT. The mailbox kind's default is marked.
 */
export function Pop3PolicyForm({
  mailboxId,
  address,
  policy,
}: {
  mailboxId: number;
  address: string;
  policy: { onDelete: OnDelete; kindDefault: OnDelete };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [chosen, setChosen] = useState<OnDelete>(policy.onDelete);
  const save = useMutation(
    trpc.admin.mailboxes.pop3.set.mutationOptions({
      onSuccess: (result) => {
        setChosen(result.onDelete);
        router.refresh();
      },
      onError: () => setChosen(policy.onDelete),
    }),
  );
  const options: { value: OnDelete; label: string; hint: string }[] = [
    { value: "keep", label: t("admin.pop3Keep"), hint: t("admin.pop3KeepHint") },
    { value: "delete", label: t("admin.pop3Delete"), hint: t("admin.pop3DeleteHint") },
  ];
  return (
    <fieldset className="text-sm" aria-label={t("admin.pop3PolicyFor", { address })}>
      <legend className="text-xs font-medium text-slate-600">{t("admin.pop3Policy")}</legend>
      <div className="mt-1 space-y-1">
        {options.map((option) => (
          <label key={option.value} className="flex items-start gap-2 text-slate-700">
            <input
              type="radio"
              name={`pop3-on-delete-${mailboxId}`}
              value={option.value}
              checked={chosen === option.value}
              disabled={save.isPending}
              onChange={() => {
                setChosen(option.value);
                save.mutate({ mailboxId, onDelete: option.value });
              }}
              className="mt-0.5 h-4 w-4 border-stone-300"
            />
            <span>
              {option.label}{" "}
              {option.value === policy.kindDefault ? (
                <span className="text-xs text-slate-500">{t("admin.pop3Default")}</span>
              ) : null}
              <span className="block text-xs text-slate-500">{option.hint}</span>
            </span>
          </label>
        ))}
      </div>
      {save.isSuccess ? (
        <p role="status" className="mt-1 text-xs text-emerald-700">
          {t("admin.pop3Saved")}
        </p>
      ) : null}
      {save.error ? (
        <p role="alert" className="mt-1 text-xs text-rose-700">
          <ErrorText error={save.error} />
        </p>
      ) : null}
    </fieldset>
  );
}
