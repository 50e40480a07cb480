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

export function AddMailboxForm({ users }: { users: { id: number; email: string; name: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(trpc.admin.mailboxes.create.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setAdded(null);
    create.mutate(
      {
        address: String(form.get("address") ?? ""),
        displayName: String(form.get("displayName") ?? ""),
        shared: form.get("shared") === "on",
        memberEmails: form.getAll("members").map(String),
        quota: String(form.get("quota") ?? ""),
      },
      {
        onSuccess: (mailbox) => {
          formElement.reset();
          setAdded(t("admin.mailboxAdded", { address: mailbox.address }));
          router.refresh();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField
        label={t("admin.address")}
        name="address"
        type="email"
        placeholder="support@example.com"
        autoComplete="off"
        required
      />
      <TextField
        label={t("admin.displayName")}
        name="displayName"
        autoComplete="off"
        placeholder={t("admin.displayNameExample")}
      />
      <CheckboxField label={t("admin.sharedMailbox")} name="shared" defaultChecked />
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("admin.members")}</legend>
        {users.length === 0 ? (
          <p className="text-xs text-slate-500">{t("admin.noUsers")}</p>
        ) : (
          <div className="max-h-40 space-y-1.5 overflow-y-auto rounded-md border border-stone-200 p-2">
            {users.map((user) => (
              <CheckboxField key={user.id} name="members" value={user.email} label={user.email} />
            ))}
          </div>
        )}
      </fieldset>
      <TextField
        label={t("admin.quota")}
        name="quota"
        placeholder="500MB"
        autoComplete="off"
        hint={t("admin.quotaHint")}
      />
      <FormMessage error={create.error} success={added} />
      <SubmitButton pending={create.isPending}>{t("admin.addMailbox")}</SubmitButton>
    </form>
  );
}
