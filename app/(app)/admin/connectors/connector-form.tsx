"use client";
// Add a connector: Test connection tries the settings as typed (nothing is
// saved) and names the step that failed; Add saves them. The password field
// is cleared once saved: it is never shown again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

const input =
  "rounded-md border border-stone-300 px-2 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

export function ConnectorForm({ mailboxes }: { mailboxes: { id: number; address: string }[] }) {
  const t = useT();
  const id = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [port, setPort] = useState("993");
  const test = useMutation(trpc.admin.connectors.test.mutationOptions());
  const add = useMutation(
    trpc.admin.connectors.add.mutationOptions({
      onSuccess: () => {
        const password = form.current?.elements.namedItem("password");
        if (password instanceof HTMLInputElement) password.value = "";
        test.reset();
        return queryClient.invalidateQueries({ queryKey: trpc.admin.connectors.list.queryKey() });
      },
    }),
  );

  function settings() {
    const data = new FormData(form.current ?? undefined);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const folders = text("folders")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean);
    return {
      host: text("host"),
      port: Number(text("port")),
      tls: text("tls") === "starttls" ? ("starttls" as const) : ("implicit" as const),
      username: text("username"),
      password: String(data.get("password") ?? ""),
      checkCertificate: data.get("checkCertificate") === "on",
      caPem: text("caPem") || null,
      folders: folders.length ? folders : ["INBOX"],
      since: text("since") || null,
    };
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    add.mutate({ mailboxId: Number(data.get("mailboxId")), ...settings() });
  }

  const report = test.data;
  const field = (name: string, label: MessageKey, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <div className="grid gap-1 text-sm text-slate-700">
      <label htmlFor={`${id}-${name}`}>{t(label)}</label>
      <input id={`${id}-${name}`} name={name} className={input} {...props} />
    </div>
  );
  return (
    <form ref={form} onSubmit={onSubmit} aria-label={t("connector.addTitle")} className="grid gap-3" noValidate>
      <div className="grid gap-1 text-sm text-slate-700">
        <label htmlFor={`${id}-mailbox`}>{t("connector.mailbox")}</label>
        <select id={`${id}-mailbox`} name="mailboxId" required className={input}>
          {mailboxes.map((m) => (
            <option key={m.id} value={m.id}>
              {m.address}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-3 md:grid-cols-3">
        {field("host", "connector.host", { required: true, autoComplete: "off" })}
        <div className="grid gap-1 text-sm text-slate-700">
          <label htmlFor={`${id}-tls`}>{t("connector.tls")}</label>
          <select
            id={`${id}-tls`}
            name="tls"
            className={input}
            onChange={(event) => setPort(event.currentTarget.value === "starttls" ? "143" : "993")}
          >
            <option value="implicit">{t("connector.tlsImplicit")}</option>
            <option value="starttls">{t("connector.tlsStarttls")}</option>
          </select>
        </div>
        {field("port", "connector.port", {
          type: "number",
          min: 1,
          max: 65535,
          value: port,
          onChange: (event) => setPort(event.currentTarget.value),
        })}
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        {field("username", "connector.username", { required: true, autoComplete: "off" })}
        {field("password", "connector.password", { required: true, type: "password", autoComplete: "new-password" })}
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <div className="grid gap-1 text-sm text-slate-700">
          <label htmlFor={`${id}-folders`}>{t("connector.folders")}</label>
          <input
            id={`${id}-folders`}
            name="folders"
            defaultValue="INBOX"
            aria-describedby={`${id}-folders-hint`}
            className={input}
          />
          <span id={`${id}-folders-hint`} className="text-xs text-slate-500">
            {t("connector.foldersHint")}
          </span>
        </div>
        {field("since", "connector.since", { type: "date" })}
      </div>
      <div className="grid gap-1 text-sm text-slate-700">
        <label htmlFor={`${id}-ca`}>{t("connector.ca")}</label>
        <textarea id={`${id}-ca`} name="caPem" rows={3} className={`${input} font-mono text-xs`} />
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" name="checkCertificate" defaultChecked />
        {t("connector.checkCertificate")}
      </label>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={test.isPending}
          onClick={() => test.mutate(settings())}
          className="rounded-md border border-stone-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-stone-50 disabled:opacity-60"
        >
          {test.isPending ? t("connector.testing") : t("connector.test")}
        </button>
        <button
          type="submit"
          disabled={add.isPending}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {add.isPending ? t("connector.adding") : t("connector.add")}
        </button>
      </div>
      {report ? (
        <FormMessage
          error={
            report.ok
              ? null
              : t("connector.testFailed", {
                  step: t(`connector.step.${report.failedStep ?? "other"}` as MessageKey),
                  message: report.message,
                })
          }
          success={report.ok ? t("connector.testOk", { message: report.message }) : null}
        />
      ) : null}
      <FormMessage error={test.error ?? add.error} success={add.isSuccess ? t("connector.added") : null} />
    </form>
  );
}
