"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { CheckboxField } from "../../../components/checkbox-field.tsx";
import { FormMessage } from "../../../components/form-message.tsx";
import { SubmitButton } from "../../../components/submit-button.tsx";
import { TextField } from "../../../components/text-field.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export function AddUserForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(trpc.admin.users.create.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setAdded(null);
    create.mutate(
      {
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        password: String(form.get("password") ?? ""),
        admin: form.get("admin") === "on",
      },
      {
        onSuccess: (user) => {
          formElement.reset();
          setAdded(
            user.personalMailbox
              ? t("admin.userAddedWithMailbox", { email: user.email, mailbox: user.personalMailbox })
              : t("admin.userAdded", { email: user.email }),
          );
          router.refresh();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label={t("admin.email")} name="email" type="email" autoComplete="off" required />
      <TextField label={t("admin.name")} name="name" autoComplete="off" hint={t("admin.nameHint")} />
      <TextField
        label={t("admin.password")}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={t("admin.passwordHint")}
      />
      <CheckboxField label={t("admin.administrator")} name="admin" />
      <FormMessage error={create.error} success={added} />
      <SubmitButton pending={create.isPending}>{t("admin.addUser")}</SubmitButton>
    </form>
  );
}
