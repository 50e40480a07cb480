"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { MAX_TAG_CHARS } from "../../../../server/limits.ts";
import { useT } from "../../../i18n/client.tsx";
import { errorText } from "../../../i18n/error-text.ts";
import { useTRPC } from "../../../trpc/client.ts";

export interface Chip {
  id: number;
  name: string;
}

/** The conversation's tags as chips, and the Tag button to add one (a new name creates the tag). */
export function ConversationTags({ conversationId, tags }: { conversationId: number; tags: Chip[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const t = useT();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const all = useQuery({ ...trpc.tags.all.queryOptions({ conversationId }), enabled: open });
  const add = useMutation(trpc.tags.add.mutationOptions());
  const remove = useMutation(trpc.tags.remove.mutationOptions({ onSuccess: () => router.refresh() }));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const done = await add.mutateAsync({ conversationId, name }).catch(() => null);
    if (!done) return;
    setName("");
    setOpen(false);
    router.refresh();
  }

  const error = errorText(add.error?.message ?? remove.error?.message, t);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="conversation-tags">
      <ul aria-label={t("tags.label")} className="flex flex-wrap gap-1.5">
        {tags.map((tag) => (
          <li
            key={tag.id}
            className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-200"
          >
            {tag.name}
            <button
              type="button"
              aria-label={t("tags.remove", { name: tag.name })}
              disabled={remove.isPending}
              onClick={() => remove.mutate({ conversationId, tagId: tag.id })}
              className="rounded-full px-1 text-indigo-500 hover:bg-indigo-100 hover:text-indigo-900"
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {open ? (
        <form onSubmit={onSubmit} noValidate aria-label={t("tags.addForm")} className="flex items-center gap-1.5">
          <label htmlFor={id} className="sr-only">
            {t("tags.name")}
          </label>
          <input
            id={id}
            list={`${id}-known`}
            value={name}
            // biome-ignore lint/a11y/noAutofocus: the member just pressed Tag
            autoFocus
            maxLength={MAX_TAG_CHARS + 10}
            onChange={(e) => {
              setName(e.target.value);
              add.reset();
            }}
            onKeyDown={(e) => {
              if (e.key === "Escape") setOpen(false);
            }}
            placeholder={t("tags.name")}
            aria-invalid={Boolean(add.error)}
            className="w-40 rounded-md border border-stone-300 bg-white px-2 py-1 text-xs focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
          />
          <datalist id={`${id}-known`}>
            {(all.data ?? []).map((known) => (
              <option key={known.id} value={known.name} />
            ))}
          </datalist>
          <button
            type="submit"
            disabled={add.isPending}
            className="rounded-md bg-slate-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-slate-700 disabled:opacity-60"
          >
            {t("tags.add")}
          </button>
        </form>
      ) : (
        <button
          type="button"
          onClick={() => setOpen(true)}
          className="rounded-full border border-dashed border-stone-300 px-2.5 py-0.5 text-xs font-medium text-slate-600 hover:border-slate-400 hover:text-slate-900"
        >
          {t("tags.button")}
        </button>
      )}
      {error ? (
        <p role="alert" className="w-full text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
