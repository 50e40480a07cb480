"use client";
// Each of the reader's mailboxes with its blocked and allowed senders (server/senders/):
// listed, added (an address or a domain) and removed by any member of the mailbox.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ErrorText } from "../../components/error-text.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

interface Rule {
  id: number;
  pattern: string;
  kind: "block" | "allow";
  createdBy: { name: string } | null;
}

const control =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";
const button =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

export function SenderRules({ mailboxes }: { mailboxes: { id: number; address: string; rules: Rule[] }[] }) {
  return (
    <div className="space-y-5">
      {mailboxes.map((m) => (
        <MailboxSenders key={m.id} mailbox={m} />
      ))}
    </div>
  );
}

function MailboxSenders({ mailbox }: { mailbox: { id: number; address: string; rules: Rule[] } }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const ids = useId();
  const [pattern, setPattern] = useState("");
  const [kind, setKind] = useState<"block" | "allow">("block");
  const add = useMutation(
    trpc.senders.add.mutationOptions({
      onSuccess: () => {
        setPattern("");
        router.refresh();
      },
    }),
  );
  const remove = useMutation(trpc.senders.remove.mutationOptions({ onSuccess: () => router.refresh() }));
  const error = add.error ?? remove.error;
  return (
    <section aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`} className="text-sm font-medium text-slate-800">
        {t("senders.of", { mailbox: mailbox.address })}
      </h3>
      {mailbox.rules.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">{t("senders.none")}</p>
      ) : (
        <ul className="mt-2 divide-y divide-stone-100 rounded-md border border-stone-200">
          {mailbox.rules.map((rule) => (
            <li key={rule.id} className="flex items-center justify-between gap-3 px-3 py-1.5 text-sm">
              <span className="min-w-0 truncate">
                <span
                  className={`mr-2 rounded px-1.5 py-0.5 text-xs font-medium ${rule.kind === "block" ? "bg-rose-50 text-rose-800" : "bg-emerald-50 text-emerald-800"}`}
                >
                  {rule.kind === "block" ? t("senders.kindBlock") : t("senders.kindAllow")}
                </span>
                {rule.pattern}
                {rule.createdBy ? (
                  <span className="ml-2 text-xs text-slate-500">
                    {t("senders.addedBy", { name: rule.createdBy.name })}
                  </span>
                ) : null}
              </span>
              <button
                type="button"
                className={button}
                aria-label={t("senders.removeOf", { pattern: rule.pattern })}
                disabled={remove.isPending}
                onClick={() => remove.mutate({ mailboxId: mailbox.id, ruleId: rule.id })}
              >
                {t("senders.remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        aria-label={t("senders.addTo", { mailbox: mailbox.address })}
        className="mt-2 flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (pattern.trim()) add.mutate({ mailboxId: mailbox.id, pattern: pattern.trim(), kind });
        }}
      >
        <input
          aria-label={t("senders.pattern")}
          placeholder={t("senders.pattern")}
          className={`${control} w-64`}
          value={pattern}
          maxLength={400}
          onChange={(e) => setPattern(e.target.value)}
        />
        <select
          aria-label={t("senders.kind")}
          className={control}
          value={kind}
          onChange={(e) => setKind(e.target.value as "block" | "allow")}
        >
          <option value="block">{t("senders.kindBlock")}</option>
          <option value="allow">{t("senders.kindAllow")}</option>
        </select>
        <button type="submit" className={button} disabled={add.isPending || !pattern.trim()}>
          {t("senders.add")}
        </button>
      </form>
      {error ? (
        <p role="alert" className="mt-1 text-sm text-rose-700">
          <ErrorText error={error} />
        </p>
      ) : null}
    </section>
  );
}
