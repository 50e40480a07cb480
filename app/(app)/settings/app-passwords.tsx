"use client";
// The signed-in user's app passwords (Settings): the active ones with their
// scope and last use, a form to create one — whose login and secret are shown
// here once, never again — and Revoke with an inline confirmation.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import type { AppPasswordRow } from "../../../server/api/routers/app-passwords.ts";
import { MAX_APP_PASSWORD_LABEL } from "../../../server/limits.ts";
import { FormMessage } from "../../components/form-message.tsx";
import { LocalTime } from "../../components/local-time.tsx";
import { SubmitButton } from "../../components/submit-button.tsx";
import { TextField } from "../../components/text-field.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

const SELECT =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";
const SMALL_BUTTON = "rounded-md border px-2.5 py-1 text-xs disabled:opacity-60";

interface Created {
  label: string;
  login: string;
  secret: string;
}

export interface SubmissionHint {
  host: string;
  starttlsPort: number | null;
  tlsPort: number | null;
}

export function AppPasswords({
  passwords,
  mailboxes,
  submission,
}: {
  passwords: AppPasswordRow[];
  mailboxes: { id: number; address: string }[];
  submission: SubmissionHint;
}) {
  const t = useT();
  const active = passwords.filter((p) => !p.revokedAt);
  const [created, setCreated] = useState<Created | null>(null);
  const [revokedLabel, setRevokedLabel] = useState<string | null>(null);

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-500">{t("appPasswords.intro")}</p>
      <ClientSettings submission={submission} />
      {created ? <CreatedPassword created={created} onDone={() => setCreated(null)} /> : null}
      {active.length === 0 ? (
        <p className="text-sm text-slate-500">{t("appPasswords.empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label={t("appPasswords.listLabel")}>
            <thead className="text-xs text-slate-500">
              <tr>
                <th scope="col" className="py-1.5 pr-3 font-medium">
                  {t("appPasswords.label")}
                </th>
                <th scope="col" className="py-1.5 pr-3 font-medium">
                  {t("appPasswords.scope")}
                </th>
                <th scope="col" className="py-1.5 pr-3 font-medium">
                  {t("appPasswords.created")}
                </th>
                <th scope="col" className="py-1.5 pr-3 font-medium">
                  {t("appPasswords.lastUsed")}
                </th>
                <th scope="col" className="py-1.5 font-medium">
                  <span className="sr-only">{t("appPasswords.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {active.map((p) => (
                <PasswordRow
                  key={p.id}
                  password={p}
                  onRevoked={() => {
                    setRevokedLabel(p.label);
                    setCreated(null);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormMessage success={revokedLabel ? t("appPasswords.revoked", { label: revokedLabel }) : null} />
      <CreateForm
        mailboxes={mailboxes}
        onCreated={(c) => {
          setRevokedLabel(null);
          setCreated(c);
        }}
      />
    </div>
  );
}

/** Where to point a mail client, from this installation's configuration. */
function ClientSettings({ submission }: { submission: SubmissionHint }) {
  const t = useT();
  const ports = [
    submission.starttlsPort ? t("appPasswords.starttlsPort", { port: String(submission.starttlsPort) }) : null,
    submission.tlsPort ? t("appPasswords.tlsPort", { port: String(submission.tlsPort) }) : null,
  ].filter((p): p is string => p !== null);
  if (ports.length === 0) return null;
  return (
    <div className="rounded-md border border-stone-200 bg-stone-50 px-4 py-3 text-sm">
      <h3 className="text-xs font-semibold text-slate-600">{t("appPasswords.clientSettings")}</h3>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">{t("appPasswords.server")}</dt>
        <dd className="font-mono text-slate-800">{submission.host}</dd>
        <dt className="text-slate-500">{t("appPasswords.port")}</dt>
        <dd className="text-slate-800">
          {ports.map((p) => (
            <span key={p} className="mr-3 inline-block">
              {p}
            </span>
          ))}
        </dd>
        <dt className="text-slate-500">{t("appPasswords.userName")}</dt>
        <dd className="text-slate-800">{t("appPasswords.userNameValue")}</dd>
      </dl>
    </div>
  );
}

/** The new password's login and secret: shown this once, in a form easy to copy. */
function CreatedPassword({ created, onDone }: { created: Created; onDone: () => void }) {
  const t = useT();
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm"
      data-testid="new-app-password"
    >
      <h3 id={headingId} className="font-semibold text-amber-900">
        {t("appPasswords.newTitle", { label: created.label })}
      </h3>
      <p role="status" className="mt-1 text-amber-900">
        {t("appPasswords.shownOnce")}
      </p>
      <dl className="mt-3 space-y-2">
        <CopyableValue
          name={t("appPasswords.login")}
          value={created.login}
          copyLabel={t("appPasswords.copyLogin")}
          testId="new-app-password-login"
        />
        <CopyableValue
          name={t("appPasswords.password")}
          value={created.secret}
          copyLabel={t("appPasswords.copyPassword")}
          testId="new-app-password-secret"
        />
      </dl>
      <button
        type="button"
        onClick={onDone}
        className={`mt-3 ${SMALL_BUTTON} border-amber-300 bg-white text-slate-700 hover:bg-amber-100`}
      >
        {t("appPasswords.done")}
      </button>
    </section>
  );
}

function CopyableValue({
  name,
  value,
  copyLabel,
  testId,
}: {
  name: string;
  value: string;
  copyLabel: string;
  testId: string;
}) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  // The clipboard API exists only in a secure context (HTTPS or localhost);
  // elsewhere the value is still selectable with one click.
  const canCopy = typeof navigator !== "undefined" && Boolean(navigator.clipboard);
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <dt className="w-24 text-amber-900">{name}</dt>
      <dd className="flex items-center gap-2">
        <code
          data-testid={testId}
          className="rounded border border-stone-300 bg-white px-2 py-1 font-mono text-base tracking-wide text-slate-900 select-all"
        >
          {value}
        </code>
        {canCopy ? (
          <button
            type="button"
            aria-label={copyLabel}
            onClick={() => {
              navigator.clipboard.writeText(value).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
            className={`${SMALL_BUTTON} border-stone-300 bg-white text-slate-700 hover:bg-stone-50`}
          >
            {copied ? t("appPasswords.copied") : t("appPasswords.copy")}
          </button>
        ) : null}
      </dd>
    </div>
  );
}

function PasswordRow({ password, onRevoked }: { password: AppPasswordRow; onRevoked: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(trpc.appPasswords.revoke.mutationOptions());
  const label = password.label;

  function confirm() {
    revoke.mutate(
      { id: password.id },
      {
        onSuccess: () => {
          onRevoked();
          router.refresh();
        },
      },
    );
  }

  return (
    <tr className="align-top">
      <td className="py-2 pr-3 font-medium text-slate-800">{label}</td>
      <td className="py-2 pr-3 text-slate-600">{password.mailboxAddress ?? t("appPasswords.allMailboxes")}</td>
      <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
        <LocalTime iso={password.createdAt} style="full" />
      </td>
      <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
        {password.lastUsedAt ? <LocalTime iso={password.lastUsedAt} style="full" /> : t("appPasswords.never")}
      </td>
      <td className="py-2 text-right">
        {confirming ? (
          <div className="flex max-w-xs flex-col items-end gap-2">
            <p className="text-left text-xs text-rose-800">{t("appPasswords.confirmRevoke", { label })}</p>
            <div className="flex gap-2">
              <button
                type="button"
                onClick={confirm}
                disabled={revoke.isPending}
                aria-label={t("appPasswords.confirmRevokeNamed", { label })}
                className={`${SMALL_BUTTON} border-rose-600 bg-rose-600 text-white hover:bg-rose-700`}
              >
                {revoke.isPending ? t("common.working") : t("appPasswords.confirmRevokeButton")}
              </button>
              <button
                type="button"
                onClick={() => setConfirming(false)}
                aria-label={t("appPasswords.cancelRevokeNamed", { label })}
                className={`${SMALL_BUTTON} border-stone-300 text-slate-700 hover:bg-stone-50`}
              >
                {t("common.cancel")}
              </button>
            </div>
            <FormMessage error={revoke.error} />
          </div>
        ) : (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            aria-label={t("appPasswords.revokeNamed", { label })}
            className={`${SMALL_BUTTON} border-rose-200 text-rose-700 hover:bg-rose-50`}
          >
            {t("appPasswords.revoke")}
          </button>
        )}
      </td>
    </tr>
  );
}

function CreateForm({
  mailboxes,
  onCreated,
}: {
  mailboxes: { id: number; address: string }[];
  onCreated: (created: Created) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const headingId = `${id}-heading`;
  const create = useMutation(trpc.appPasswords.create.mutationOptions());
  const [scope, setScope] = useState("");

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    create.mutate(
      { label: String(form.get("label") ?? ""), mailboxId: scope ? Number(scope) : null },
      {
        onSuccess: (result) => {
          formElement.reset();
          setScope("");
          onCreated({ label: result.appPassword.label, login: result.login, secret: result.secret });
          router.refresh();
        },
      },
    );
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={headingId}
      className="space-y-3 border-t border-stone-100 pt-4"
    >
      <h3 id={headingId} className="text-sm font-semibold text-slate-700">
        {t("appPasswords.createHeading")}
      </h3>
      <TextField
        label={t("appPasswords.label")}
        name="label"
        autoComplete="off"
        maxLength={MAX_APP_PASSWORD_LABEL}
        hint={t("appPasswords.labelHint")}
        required
      />
      <div>
        <label htmlFor={`${id}-scope`} className="mb-1 block text-sm font-medium text-slate-700">
          {t("appPasswords.scope")}
        </label>
        <select
          id={`${id}-scope`}
          value={scope}
          onChange={(e) => setScope(e.target.value)}
          aria-describedby={`${id}-scope-hint`}
          className={SELECT}
        >
          <option value="">{t("appPasswords.allMailboxes")}</option>
          {mailboxes.map((m) => (
            <option key={m.id} value={m.id}>
              {m.address}
            </option>
          ))}
        </select>
        <p id={`${id}-scope-hint`} className="mt-1 text-xs text-slate-500">
          {t("appPasswords.scopeHint")}
        </p>
      </div>
      <FormMessage error={create.error} />
      <SubmitButton pending={create.isPending}>{t("appPasswords.create")}</SubmitButton>
    </form>
  );
}
