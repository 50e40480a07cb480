"use client";
// Who works in a shared mailbox: add a member with their approval roles
// (確認者), or remove one. A removed member loses the mailbox at once, in
// their open pages and live stream too (server/mailboxes/change-members.ts).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const SMALL_BUTTON =
  "rounded-md border border-stone-300 px-2 py-1 text-xs text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

export function MailboxMembers({
  mailboxId,
  address,
  members,
  users,
}: {
  mailboxId: number;
  address: string;
  members: { userId: number; email: string; name: string }[];
  users: { id: number; email: string }[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [done, setDone] = useState<string | null>(null);
  const change = useMutation(trpc.admin.members.change.mutationOptions());
  const memberIds = new Set(members.map((m) => m.userId));
  const candidates = users.filter((u) => !memberIds.has(u.id));

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setDone(null);
    change.mutate(
      {
        mailboxId,
        add: [
          {
            email: String(form.get("email") ?? ""),
            needsApproval: form.get("needsApproval") === "on",
            reviewer: form.get("reviewer") === "on",
          },
        ],
      },
      {
        onSuccess: (r) => {
          formElement.reset();
          setDone(t("members.added", { email: r.added.join(", "), address: r.address }));
          router.refresh();
        },
      },
    );
  }
  function onRemove(email: string) {
    setDone(null);
    change.mutate(
      { mailboxId, remove: [email] },
      {
        onSuccess: (r) => {
          setDone(t("members.removed", { email: r.removed.join(", "), address: r.address }));
          router.refresh();
        },
      },
    );
  }

  return (
    <section className="space-y-2 text-sm" aria-label={t("members.of", { address })}>
      <h4 className="text-xs font-medium text-slate-600">{t("members.of", { address })}</h4>
      {members.length === 0 ? <p className="text-xs text-slate-500">{t("admin.noMembers")}</p> : null}
      <ul className="space-y-1">
        {members.map((m) => (
          <li key={m.userId} className="flex items-center gap-3">
            <span className="min-w-40 text-slate-700">{m.name ? `${m.name} <${m.email}>` : m.email}</span>
            <button
              type="button"
              className={SMALL_BUTTON}
              disabled={change.isPending}
              aria-label={t("members.removeNamed", { email: m.email, address })}
              onClick={() => onRemove(m.email)}
            >
              {t("members.remove")}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={onAdd} className="flex flex-wrap items-center gap-x-4 gap-y-1" noValidate>
        <select
          name="email"
          aria-label={t("members.addWho", { address })}
          className="rounded-md border border-stone-300 bg-white px-2 py-1 text-xs"
          defaultValue=""
        >
          <option value="">{t("members.choose")}</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.email}>
              {u.email}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          <input type="checkbox" name="needsApproval" className="h-4 w-4 rounded border-stone-300" />
          {t("admin.needsApproval")}
        </label>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          <input type="checkbox" name="reviewer" className="h-4 w-4 rounded border-stone-300" />
          {t("admin.reviewer")}
        </label>
        <button type="submit" className={SMALL_BUTTON} disabled={change.isPending}>
          {t("members.add")}
        </button>
      </form>
      <FormMessage error={change.error} success={done} />
    </section>
  );
}
