"use client";
// Add a connector, or edit one (`connector` given): Test connection tries
// the settings as typed (nothing is saved) and names the step that failed;
// Add / Save saves them. Passwords are never shown: the fields start empty
// and are cleared once saved; on an edit an empty password (IMAP or relay)
// or CA keeps the stored one. Write-back is off unless chosen; the SMTP relay
// fields appear when "Send replies through an SMTP relay" is ticked.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import type { ShownConnector } from "../../../../server/api/routers/admin-connectors.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

const input =
  "rounded-md border border-stone-300 px-2 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

export function ConnectorForm({
  mailboxes = [],
  connector,
  onSaved,
}: {
  mailboxes?: { id: number; address: string }[];
  /** Editing this connector; none: adding one. */
  connector?: ShownConnector;
  onSaved?: () => void;
}) {
  const t = useT();
  const id = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const editing = connector !== undefined;
  const [port, setPort] = useState(String(connector?.port ?? 993));
  const [useRelay, setUseRelay] = useState(connector?.relay != null);
  const [relayPort, setRelayPort] = useState(String(connector?.relay?.port ?? 587));
  const test = useMutation(trpc.admin.connectors.test.mutationOptions());
  const saved = () => {
    for (const name of ["password", "relayPassword"]) {
      const field = form.current?.elements.namedItem(name);
      if (field instanceof HTMLInputElement) field.value = "";
    }
    test.reset();
    onSaved?.();
    return queryClient.invalidateQueries({ queryKey: trpc.admin.connectors.list.queryKey() });
  };
  const add = useMutation(trpc.admin.connectors.add.mutationOptions({ onSuccess: saved }));
  const edit = useMutation(trpc.admin.connectors.edit.mutationOptions({ onSuccess: saved }));
  const save = editing ? edit : add;

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
      markSeen: (["imported", "closed"].includes(text("markSeen")) ? text("markSeen") : "off") as
        | "off"
        | "imported"
        | "closed",
      moveTo: text("moveTo") || null,
      relay: useRelay
        ? {
            host: text("relayHost"),
            port: Number(text("relayPort")),
            tls: text("relayTls") === "implicit" ? ("implicit" as const) : ("starttls" as const),
            username: text("relayUsername"),
            password: String(data.get("relayPassword") ?? ""),
            checkCertificate: data.get("relayCheckCertificate") === "on",
          }
        : null,
    };
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    if (connector) edit.mutate({ connectorId: connector.id, ...settings() });
    else add.mutate({ mailboxId: Number(data.get("mailboxId")), ...settings() });
  }

  const keepHint = <span className="text-xs text-slate-500">{editing ? t("connector.keepPassword") : null}</span>;

  const report = test.data;
  const field = (name: string, label: MessageKey, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <div className="grid gap-1 text-sm text-slate-700">
      <label htmlFor={`${id}-${name}`}>{t(label)}</label>
      <input id={`${id}-${name}`} name={name} className={input} {...props} />
    </div>
  );
  return (
    <form
      ref={form}
      onSubmit={onSubmit}
      aria-label={connector ? t("connector.editOf", { id: connector.id }) : t("connector.addTitle")}
      className="grid gap-3"
      noValidate
    >
      {connector ? null : (
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
      )}
      <div className="grid gap-3 md:grid-cols-3">
        {field("host", "connector.host", { required: true, autoComplete: "off", defaultValue: connector?.host })}
        <div className="grid gap-1 text-sm text-slate-700">
          <label htmlFor={`${id}-tls`}>{t("connector.tls")}</label>
          <select
            id={`${id}-tls`}
            name="tls"
            defaultValue={connector?.tls ?? "implicit"}
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
        {field("username", "connector.username", {
          required: true,
          autoComplete: "off",
          defaultValue: connector?.username,
        })}
        <div className="grid gap-1 text-sm text-slate-700">
          <label htmlFor={`${id}-password`}>{t("connector.password")}</label>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            required={!editing}
            autoComplete="new-password"
            className={input}
          />
          {keepHint}
        </div>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <div className="grid gap-1 text-sm text-slate-700">
          <label htmlFor={`${id}-folders`}>{t("connector.folders")}</label>
          <input
            id={`${id}-folders`}
            name="folders"
            defaultValue={connector?.folders.join(", ") ?? "INBOX"}
            aria-describedby={`${id}-folders-hint`}
            className={input}
          />
          <span id={`${id}-folders-hint`} className="text-xs text-slate-500">
            {t("connector.foldersHint")}
          </span>
        </div>
        {field("since", "connector.since", { type: "date", defaultValue: connector?.since?.slice(0, 10) })}
      </div>
      <div className="grid gap-1 text-sm text-slate-700">
        <label htmlFor={`${id}-ca`}>{t("connector.ca")}</label>
        <textarea id={`${id}-ca`} name="caPem" rows={3} className={`${input} font-mono text-xs`} />
        {editing && connector?.hasCa ? <span className="text-xs text-slate-500">{t("connector.keepCa")}</span> : null}
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" name="checkCertificate" defaultChecked={connector?.checkCertificate ?? true} />
        {t("connector.checkCertificate")}
      </label>
      <fieldset className="grid gap-3 rounded-md border border-stone-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">{t("connector.writeBack")}</legend>
        <p className="text-xs text-slate-500">{t("connector.writeBackHint")}</p>
        <div className="grid gap-3 md:grid-cols-2">
          <div className="grid gap-1 text-sm text-slate-700">
            <label htmlFor={`${id}-markSeen`}>{t("connector.markSeen")}</label>
            <select id={`${id}-markSeen`} name="markSeen" defaultValue={connector?.markSeen ?? "off"} className={input}>
              <option value="off">{t("connector.markSeenOff")}</option>
              <option value="imported">{t("connector.markSeenImported")}</option>
              <option value="closed">{t("connector.markSeenClosed")}</option>
            </select>
          </div>
          {field("moveTo", "connector.moveTo", {
            autoComplete: "off",
            defaultValue: connector?.moveTo ?? "",
          })}
        </div>
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border border-stone-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">{t("connector.relayTitle")}</legend>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={useRelay} onChange={(event) => setUseRelay(event.currentTarget.checked)} />
          {t("connector.useRelay")}
        </label>
        {useRelay ? (
          <>
            <p className="text-xs text-slate-500">{t("connector.relayHint")}</p>
            <div className="grid gap-3 md:grid-cols-3">
              {field("relayHost", "connector.relayHost", {
                autoComplete: "off",
                defaultValue: connector?.relay?.host,
              })}
              <div className="grid gap-1 text-sm text-slate-700">
                <label htmlFor={`${id}-relayTls`}>{t("connector.relayTls")}</label>
                <select
                  id={`${id}-relayTls`}
                  name="relayTls"
                  defaultValue={connector?.relay?.tls ?? "starttls"}
                  className={input}
                  onChange={(event) => setRelayPort(event.currentTarget.value === "implicit" ? "465" : "587")}
                >
                  <option value="starttls">{t("connector.relayStarttls")}</option>
                  <option value="implicit">{t("connector.relayImplicit")}</option>
                </select>
              </div>
              {field("relayPort", "connector.relayPort", {
                type: "number",
                min: 1,
                max: 65535,
                value: relayPort,
                onChange: (event) => setRelayPort(event.currentTarget.value),
              })}
            </div>
            <div className="grid gap-3 md:grid-cols-2">
              {field("relayUsername", "connector.relayUsername", {
                autoComplete: "off",
                defaultValue: connector?.relay?.username,
              })}
              <div className="grid gap-1 text-sm text-slate-700">
                <label htmlFor={`${id}-relayPassword`}>{t("connector.relayPassword")}</label>
                <input
                  id={`${id}-relayPassword`}
                  name="relayPassword"
                  type="password"
                  autoComplete="new-password"
                  className={input}
                />
                {connector?.relay ? keepHint : null}
              </div>
            </div>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name="relayCheckCertificate"
                defaultChecked={connector?.relay?.checkCertificate ?? true}
              />
              {t("connector.relayCheckCertificate")}
            </label>
          </>
        ) : null}
      </fieldset>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={test.isPending}
          onClick={() => test.mutate({ ...settings(), connectorId: connector?.id })}
          className="rounded-md border border-stone-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-stone-50 disabled:opacity-60"
        >
          {test.isPending ? t("connector.testing") : t("connector.test")}
        </button>
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {editing
            ? save.isPending
              ? t("connector.saving")
              : t("connector.save")
            : save.isPending
              ? t("connector.adding")
              : t("connector.add")}
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
      <FormMessage
        error={test.error ?? save.error}
        success={save.isSuccess ? t(editing ? "connector.saved" : "connector.added") : null}
      />
    </form>
  );
}
