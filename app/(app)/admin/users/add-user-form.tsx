"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { CheckboxField } from "../../../components/checkbox-field.tsx";
import { FormMessage } from "../../../components/form-message.tsx";
import { SubmitButton } from "../../../components/submit-button.tsx";
import { TextField } from "../../../components/text-field.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export function AddUserForm() {
  const trpc = useTRPC();
  const router = useRouter();
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
            `Added ${user.email}${user.personalMailbox ? ` with personal mailbox ${user.personalMailbox}` : ""}.`,
          );
          router.refresh();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label="Email" name="email" type="email" autoComplete="off" required />
      <TextField label="Name" name="name" autoComplete="off" hint="Defaults to the part before the @." />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
      />
      <CheckboxField label="Administrator" name="admin" />
      <FormMessage error={create.error?.message} success={added} />
      <SubmitButton pending={create.isPending}>Add user</SubmitButton>
    </form>
  );
}
