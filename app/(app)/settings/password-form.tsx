"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { SubmitButton } from "../../components/submit-button.tsx";
import { TextField } from "../../components/text-field.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

/** A new password, given the current one; every other session ends, this browser stays signed in. */
export function PasswordForm() {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const [mismatch, setMismatch] = useState(false);
  const [changed, setChanged] = useState<number | null>(null);
  const change = useMutation(trpc.me.changePassword.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = String(form.get("newPassword") ?? "");
    setChanged(null);
    setMismatch(newPassword !== String(form.get("repeatPassword") ?? ""));
    if (newPassword !== String(form.get("repeatPassword") ?? "")) return;
    change.mutate(
      { currentPassword: String(form.get("currentPassword") ?? ""), newPassword },
      {
        onSuccess: (result) => {
          // A session from before session rows ended with the others: sign in again.
          if (result.signedOut) {
            window.location.assign("/sign-in?changed=1");
            return;
          }
          formElement.reset();
          setChanged(result.endedSessions);
          void queryClient.invalidateQueries({ queryKey: trpc.me.sessions.queryKey() });
        },
      },
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
      <FormMessage
        error={mismatch ? t("settings.passwordMismatch") : change.error}
        success={changed === null ? null : t("settings.passwordChanged", { count: changed })}
      />
      <SubmitButton pending={change.isPending}>{t("settings.changePassword")}</SubmitButton>
    </form>
  );
}
