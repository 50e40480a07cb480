"use client";
// Invite a user by a one-time link instead of choosing their password: the
// link is shown here once; the invitee opens it and sets a password.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { CheckboxField } from "../../../components/checkbox-field.tsx";
import { FormMessage } from "../../../components/form-message.tsx";
import { SubmitButton } from "../../../components/submit-button.tsx";
import { TextField } from "../../../components/text-field.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { OneTimeLink } from "./user-manage.tsx";

export function InviteUserForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [invited, setInvited] = useState<{ email: string; link: string } | null>(null);
  const invite = useMutation(trpc.admin.users.invite.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setInvited(null);
    invite.mutate(
      {
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        admin: form.get("admin") === "on",
      },
      {
        onSuccess: (r) => {
          formElement.reset();
          setInvited({ email: r.email, link: `${window.location.origin}${r.path}` });
          router.refresh();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label={t("admin.email")} name="email" type="email" autoComplete="off" required />
      <TextField label={t("admin.name")} name="name" autoComplete="off" hint={t("admin.nameHint")} />
      <CheckboxField label={t("admin.administrator")} name="admin" />
      <FormMessage error={invite.error} success={invited ? t("users.invited", { email: invited.email }) : null} />
      {invited ? <OneTimeLink link={invited.link} /> : null}
      <SubmitButton pending={invite.isPending}>{t("users.invite")}</SubmitButton>
    </form>
  );
}
