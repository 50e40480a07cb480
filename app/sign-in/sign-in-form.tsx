"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { THROTTLED } from "../../server/auth/sign-in-errors.ts";
import { FormMessage } from "../components/form-message.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { useT } from "../i18n/client.tsx";

export function SignInForm() {
  const router = useRouter();
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (result?.ok && !result.error) {
        router.replace("/inbox");
        router.refresh();
        return;
      }
      if (result?.error === THROTTLED) setError(t("signIn.throttled"));
      else if (result?.error === "CredentialsSignin") setError(t("signIn.invalid"));
      else setError(t("signIn.unavailable"));
    } catch {
      setError(t("signIn.unavailable"));
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label={t("signIn.email")} name="email" type="email" autoComplete="username" required autoFocus />
      <TextField
        label={t("signIn.password")}
        name="password"
        type="password"
        autoComplete="current-password"
        required
      />
      <FormMessage error={error} />
      <SubmitButton pending={pending} className="w-full">
        {t("signIn.submit")}
      </SubmitButton>
    </form>
  );
}
