"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

interface Existing {
  id: number;
  title: string;
  body: string;
  mailboxId: number | null;
}

const FIELD =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

/** Create (existing = null) or edit and delete one saved reply. */
export function SavedReplyEditor({
  mailboxes,
  existing,
}: {
  mailboxes: { id: number; address: string }[];
  existing: Existing | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const id = useId();
  const [title, setTitle] = useState(existing?.title ?? "");
  const [body, setBody] = useState(existing?.body ?? "");
  const [mailboxId, setMailboxId] = useState(
    existing?.mailboxId === null || !existing ? "" : String(existing.mailboxId),
  );
  const [editing, setEditing] = useState(existing === null);
  const create = useMutation(trpc.savedReplies.create.mutationOptions());
  const update = useMutation(trpc.savedReplies.update.mutationOptions());
  const remove = useMutation(trpc.savedReplies.delete.mutationOptions({ onSuccess: () => router.refresh() }));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = { title, body, mailboxId: mailboxId ? Number(mailboxId) : null };
    const ok = existing
      ? await update.mutateAsync({ id: existing.id, ...fields }).then(
          () => true,
          () => false,
        )
      : await create.mutateAsync(fields).then(
          () => true,
          () => false,
        );
    if (!ok) return;
    if (existing) setEditing(false);
    else {
      setTitle("");
      setBody("");
    }
    router.refresh();
  }

  if (existing && !editing) {
    const scope = mailboxes.find((m) => m.id === existing.mailboxId)?.address ?? t("inbox.allMailboxes");
    return (
      <div>
        <div className="flex items-baseline justify-between gap-3">
          <h3 className="font-medium">{existing.title}</h3>
          <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-slate-600">{scope}</span>
        </div>
        <p className="mt-1 line-clamp-3 text-sm whitespace-pre-wrap text-slate-600">{existing.body}</p>
        <div className="mt-2 flex gap-2">
          <button
            type="button"
            onClick={() => setEditing(true)}
            aria-label={t("admin.editNamed", { title: existing.title })}
            className="rounded-md border border-stone-300 px-2.5 py-1 text-xs text-slate-700 hover:bg-stone-50"
          >
            {t("admin.edit")}
          </button>
          <button
            type="button"
            onClick={() => {
              if (window.confirm(t("admin.confirmDeleteReply", { title: existing.title })))
                remove.mutate({ id: existing.id });
            }}
            aria-label={t("admin.deleteNamed", { title: existing.title })}
            className="rounded-md border border-rose-200 px-2.5 py-1 text-xs text-rose-700 hover:bg-rose-50"
          >
            {t("admin.delete")}
          </button>
        </div>
        <FormMessage error={remove.error} />
      </div>
    );
  }

  const error = (existing ? update : create).error;
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-3"
      aria-label={existing ? t("admin.editNamed", { title: existing.title }) : t("admin.newSavedReply")}
    >
      <div>
        <label htmlFor={`${id}-title`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("admin.replyTitle")}
        </label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} className={FIELD} />
      </div>
      <div>
        <label htmlFor={`${id}-mailbox`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("admin.mailbox")}
        </label>
        <select id={`${id}-mailbox`} value={mailboxId} onChange={(e) => setMailboxId(e.target.value)} className={FIELD}>
          <option value="">{t("inbox.allMailboxes")}</option>
          {mailboxes.map((m) => (
            <option key={m.id} value={m.id}>
              {m.address}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-body`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("admin.replyText")}
        </label>
        <textarea
          id={`${id}-body`}
          value={body}
          rows={6}
          onChange={(e) => setBody(e.target.value)}
          placeholder={t("admin.replyTextExample")}
          className={`${FIELD} font-mono`}
        />
      </div>
      <FormMessage error={error} />
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={create.isPending || update.isPending}
          className="rounded-md bg-slate-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {existing ? t("common.save") : t("admin.addSavedReply")}
        </button>
        {existing ? (
          <button
            type="button"
            onClick={() => setEditing(false)}
            className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-stone-100"
          >
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
