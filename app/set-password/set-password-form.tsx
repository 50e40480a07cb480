"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { FormMessage } from "../components/form-message.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { useT } from "../i18n/client.tsx";
import { useTRPC } from "../trpc/client.ts";

export function SetPasswordForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  // The token lives in the fragment, read once in the browser.
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => setToken(window.location.hash.replace(/^#/, "")), []);
  const link = useQuery({ ...trpc.passwordLink.peek.queryOptions({ token: token ?? "" }), enabled: !!token });
  const [mismatch, setMismatch] = useState(false);
  const redeem = useMutation(trpc.passwordLink.redeem.mutationOptions());

  if (token === null || (token && link.isPending))
    return <p className="text-sm text-slate-500">{t("common.working")}</p>;
  if (!token || !link.data) {
    return (
      <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
        {t("setPassword.invalid")}
      </p>
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    setMismatch(password !== String(form.get("confirm") ?? ""));
    if (password !== String(form.get("confirm") ?? "")) return;
    redeem.mutate({ token: token as string, password }, { onSuccess: () => router.replace("/sign-in?changed=1") });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <p className="text-sm text-slate-600">
        {t(link.data.purpose === "invite" ? "setPassword.welcome" : "setPassword.resetFor", { email: link.data.email })}
      </p>
      <TextField
        label={t("setPassword.password")}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={t("admin.passwordHint")}
      />
      <TextField label={t("setPassword.confirm")} name="confirm" type="password" autoComplete="new-password" required />
      <FormMessage error={mismatch ? t("setPassword.mismatch") : redeem.error} />
      <SubmitButton pending={redeem.isPending} className="w-full">
        {t("setPassword.submit")}
      </SubmitButton>
    </form>
  );
}
