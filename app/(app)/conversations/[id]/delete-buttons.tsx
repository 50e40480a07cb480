"use client";
// Deleting a conversation or one message (server/recovery/delete-mail.ts):
// asked once more inline, then gone from the inbox, search and mail clients;
// restorable from "Recently deleted" until the retention job purges it.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

const BUTTON =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";
const DANGER =
  "rounded-md bg-rose-700 px-2.5 py-1 text-xs font-medium text-white hover:bg-rose-800 focus-visible:ring-2 focus-visible:ring-rose-300 focus-visible:outline-none disabled:opacity-60";

function ConfirmDelete(props: {
  label: MessageKey;
  ariaLabel: MessageKey;
  question: MessageKey;
  pending: boolean;
  error: { message: string } | null;
  onConfirm: () => void;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const questionId = useId();
  if (!asking) {
    return (
      <button type="button" className={BUTTON} aria-label={t(props.ariaLabel)} onClick={() => setAsking(true)}>
        {t(props.label)}
      </button>
    );
  }
  return (
    <div
      role="alertdialog"
      aria-labelledby={questionId}
      className="mt-2 w-full rounded-md border border-rose-200 bg-rose-50 p-3 text-sm"
    >
      <p id={questionId} className="text-rose-900">
        {t(props.question)}
      </p>
      <div className="mt-2 flex gap-2">
        <button type="button" className={DANGER} disabled={props.pending} onClick={props.onConfirm}>
          {props.pending ? t("recovery.deleting") : t("recovery.confirmDelete")}
        </button>
        <button type="button" className={BUTTON} disabled={props.pending} onClick={() => setAsking(false)}>
          {t("common.cancel")}
        </button>
      </div>
      {props.error ? (
        <p role="alert" className="mt-2 text-xs text-rose-700">
          <ErrorText error={props.error} />
        </p>
      ) : null}
    </div>
  );
}

/** Deletes the whole conversation, then goes back to its mailbox's inbox. */
export function DeleteConversation({ conversationId, mailboxId }: { conversationId: number; mailboxId: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(
    trpc.recovery.deleteConversation.mutationOptions({
      onSuccess: () => router.push(`/inbox?mailbox=${mailboxId}`),
    }),
  );
  return (
    <ConfirmDelete
      label="recovery.deleteConversation"
      ariaLabel="recovery.deleteConversation"
      question="recovery.deleteConversationConfirm"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate({ conversationId })}
    />
  );
}

/** Deletes one message; the last one takes its conversation out of the inbox too. */
export function DeleteMessage({ messageId, mailboxId }: { messageId: number; mailboxId: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(
    trpc.recovery.deleteMessage.mutationOptions({
      onSuccess: (result) => {
        if (result.hiddenConversationIds.length > 0) router.push(`/inbox?mailbox=${mailboxId}`);
        else router.refresh();
      },
    }),
  );
  return (
    <ConfirmDelete
      label="recovery.deleteMessage"
      ariaLabel="recovery.deleteMessageLabel"
      question="recovery.deleteMessageConfirm"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate({ messageId })}
    />
  );
}
