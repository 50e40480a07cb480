"use client";
// "Not spam" (a Spam conversation back to Open, optionally allowing its sender from now on)
// and "Block sender" (the address or its whole domain, per mailbox; the conversation moves
// to Spam): server/senders/. The mailbox's list is in Settings.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const BUTTON =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";
const DANGER =
  "rounded-md bg-rose-700 px-2.5 py-1 text-xs font-medium text-white hover:bg-rose-800 focus-visible:ring-2 focus-visible:ring-rose-300 focus-visible:outline-none disabled:opacity-60";

export function SenderActions({
  conversationId,
  status,
  sender,
  mailbox,
}: {
  conversationId: number;
  status: "open" | "pending" | "closed" | "spam";
  /** The customer's address, if the conversation has one. */
  sender: string | null;
  mailbox: string;
}) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const ids = useId();
  const [remember, setRemember] = useState(false);
  const [asking, setAsking] = useState(false);
  const [wholeDomain, setWholeDomain] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const notSpam = useMutation(
    trpc.senders.notSpam.mutationOptions({
      onSuccess: () => {
        setNotice(t("senders.notSpamDone"));
        router.refresh();
      },
    }),
  );
  const block = useMutation(
    trpc.senders.block.mutationOptions({
      onSuccess: (result) => {
        setAsking(false);
        setNotice(t("senders.blocked", { pattern: result.blocked.pattern }));
        router.refresh();
      },
    }),
  );
  const domain = sender ? sender.slice(sender.lastIndexOf("@") + 1) : "";
  const error = notSpam.error ?? block.error;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      {status === "spam" ? (
        <>
          <button
            type="button"
            className={BUTTON}
            disabled={notSpam.isPending}
            onClick={() => notSpam.mutate({ conversationId, rememberSender: remember && sender !== null })}
          >
            {t("senders.notSpam")}
          </button>
          {sender ? (
            <label className="flex items-center gap-1 text-slate-600">
              <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
              {t("senders.rememberSender", { address: sender })}
            </label>
          ) : null}
        </>
      ) : null}
      {sender && !asking ? (
        <button type="button" className={BUTTON} onClick={() => setAsking(true)}>
          {t("senders.block")}
        </button>
      ) : null}
      {sender && asking ? (
        <div
          role="alertdialog"
          aria-labelledby={`${ids}-question`}
          className="mt-2 w-full rounded-md border border-rose-200 bg-rose-50 p-3 text-sm"
        >
          <p id={`${ids}-question`} className="text-rose-900">
            {t("senders.blockQuestion", { mailbox })}
          </p>
          <fieldset className="mt-2 space-y-1">
            <legend className="sr-only">{t("senders.block")}</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name={`${ids}-scope`} checked={!wholeDomain} onChange={() => setWholeDomain(false)} />
              {t("senders.blockAddress", { address: sender })}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name={`${ids}-scope`} checked={wholeDomain} onChange={() => setWholeDomain(true)} />
              {t("senders.blockDomain", { domain })}
            </label>
          </fieldset>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              className={DANGER}
              disabled={block.isPending}
              onClick={() => block.mutate({ conversationId, scope: wholeDomain ? "domain" : "address" })}
            >
              {t("senders.blockConfirm")}
            </button>
            <button type="button" className={BUTTON} disabled={block.isPending} onClick={() => setAsking(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </div>
      ) : null}
      {notice ? (
        <p role="status" className="text-slate-600">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-rose-700">
          <ErrorText error={error} />
        </p>
      ) : null}
    </div>
  );
}
