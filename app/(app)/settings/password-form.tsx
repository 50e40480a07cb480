"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { SubmitButton } from "../../components/submit-button.tsx";
import { TextField } from "../../components/text-field.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

/** A new password; every session ends with the old one, so this browser signs in again. */
export function PasswordForm() {
  const trpc = useTRPC();
  const t = useT();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(trpc.me.changePassword.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("newPassword") ?? "");
    setMismatch(newPassword !== String(form.get("repeatPassword") ?? ""));
    if (newPassword !== String(form.get("repeatPassword") ?? "")) return;
    change.mutate(
      { currentPassword: String(form.get("currentPassword") ?? ""), newPassword },
      { onSuccess: () => window.location.assign("/sign-in?changed=1") },
    );
  }

  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-4" noValidate>
      <TextField
        label={t("settings.currentPassword")}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
      />
      <TextField
        label={t("settings.newPassword")}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={t("admin.passwordHint")}
      />
      <TextField
        label={t("settings.repeatPassword")}
        name="repeatPassword"
        type="password"
        autoComplete="new-password"
        required
      />
      <FormMessage error={mismatch ? t("settings.passwordMismatch") : change.error} />
      <SubmitButton pending={change.isPending}>{t("settings.changePassword")}</SubmitButton>
    </form>
  );
}
