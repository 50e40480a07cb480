"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { SIGN_IN_MESSAGES, THROTTLED } from "../../server/auth/sign-in-errors.ts";
import { FormMessage } from "../components/form-message.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";

export function SignInForm() {
  const router = useRouter();
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
      if (result?.error === THROTTLED) setError(SIGN_IN_MESSAGES.throttled);
      else if (result?.error === "CredentialsSignin") setError(SIGN_IN_MESSAGES.invalid);
      else setError(SIGN_IN_MESSAGES.unavailable);
    } catch {
      setError(SIGN_IN_MESSAGES.unavailable);
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <FormMessage error={error} />
      <SubmitButton pending={pending} className="w-full">
        Sign in
      </SubmitButton>
    </form>
  );
}
