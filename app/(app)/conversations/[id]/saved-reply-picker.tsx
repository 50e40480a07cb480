"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useT } from "../../../i18n/client.tsx";
import { errorText } from "../../../i18n/error-text.ts";
import { useTRPC } from "../../../trpc/client.ts";

/** A "Saved reply" menu: the chosen reply's text, placeholders filled by the server, goes to onInsert. */
export function SavedReplyPicker({
  mailboxId,
  conversationId,
  onInsert,
}: {
  mailboxId: number;
  conversationId: number;
  onInsert: (text: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useT();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const replies = useQuery(trpc.savedReplies.forMailbox.queryOptions({ mailboxId }));
  if (!replies.data?.length) return null;

  async function insert(value: string) {
    if (!value) return;
    setError(null);
    try {
      const rendered = await queryClient.fetchQuery(
        trpc.savedReplies.render.queryOptions({ conversationId, savedReplyId: Number(value) }),
      );
      onInsert(rendered.text);
    } catch (e) {
      setError((e as Error).message ? errorText((e as Error).message, t) : t("savedReply.insertFailed"));
    }
  }

  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {t("savedReply.label")}
      </label>
      <select
        id={id}
        value=""
        onChange={(e) => void insert(e.target.value)}
        className="rounded-md border border-stone-300 bg-white px-2 py-1 text-xs text-slate-700 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
      >
        <option value="">{t("savedReply.insert")}</option>
        {replies.data.map((r) => (
          <option key={r.id} value={r.id}>
            {r.title}
            {r.mailbox ? "" : ` ${t("savedReply.allMailboxes")}`}
          </option>
        ))}
      </select>
      {error ? (
        <span role="alert" className="text-xs text-rose-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
