"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormMessage } from "../../../components/form-message.tsx";
import { SubmitButton } from "../../../components/submit-button.tsx";
import { TextField } from "../../../components/text-field.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export function AddDomainForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [added, setAdded] = useState<string | null>(null);
  const add = useMutation(trpc.admin.domains.add.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    setAdded(null);
    add.mutate(
      { name: String(new FormData(formElement).get("name") ?? "") },
      {
        onSuccess: (domain) => {
          formElement.reset();
          setAdded(t("admin.domainAdded", { name: domain.name }));
          router.refresh();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField label={t("admin.domainName")} name="name" placeholder="example.com" autoComplete="off" required />
      <FormMessage error={add.error} success={added} />
      <SubmitButton pending={add.isPending}>{t("admin.addDomain")}</SubmitButton>
    </form>
  );
}
