"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { MAX_SIGNATURE_CHARS } from "../../server/limits.ts";
import { useT } from "../i18n/client.tsx";
import { useTRPC } from "../trpc/client.ts";
import { FormMessage } from "./form-message.tsx";

/** A signature editor: the signed-in user's own, or (admins) a mailbox's. */
export function SignatureForm({
  target,
  initial,
  label,
}: {
  target: { kind: "user" } | { kind: "mailbox"; mailboxId: number };
  initial: string;
  label: string;
}) {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState(initial);
  const [saved, setSaved] = useState(false);
  const mine = useMutation(trpc.signatures.setMine.mutationOptions());
  const mailbox = useMutation(trpc.signatures.setMailbox.mutationOptions());
  const save = target.kind === "user" ? mine : mailbox;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const done =
      target.kind === "user"
        ? await mine.mutateAsync({ signature: value }).then(
            () => true,
            () => false,
          )
        : await mailbox.mutateAsync({ mailboxId: target.mailboxId, signature: value }).then(
            () => true,
            () => false,
          );
    if (!done) return;
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2">
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <textarea
        id={id}
        value={value}
        rows={3}
        maxLength={MAX_SIGNATURE_CHARS}
        onChange={(e) => {
          setValue(e.target.value);
          setSaved(false);
        }}
        className="block w-full resize-y rounded-md border border-stone-300 bg-white px-3 py-2 font-mono text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
      />
      <FormMessage error={save.error} success={saved ? t("signature.saved") : null} />
      <button
        type="submit"
        disabled={save.isPending}
        aria-label={t("signature.saveLabel", { label: label.toLowerCase() })}
        className="rounded-md border border-stone-300 px-3 py-1 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
      >
        {save.isPending ? t("common.saving") : t("signature.save")}
      </button>
    </form>
  );
}
