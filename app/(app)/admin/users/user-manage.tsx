"use client";
// One user's admin controls beyond the row's buttons: name and role, a
// password reset (a one-time link shown here, or a new password), the live
// sessions with their own "End" buttons, and removal with an explicit choice
// for the personal mailbox. Every rule is the server's; its refusals are shown
// in the reader's language (FormMessage → app/i18n/error-text.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormMessage } from "../../../components/form-message.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { SubmitButton } from "../../../components/submit-button.tsx";
import { TextField } from "../../../components/text-field.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

export interface ManagedUser {
  id: number;
  email: string;
  name: string;
  role: "admin" | "agent";
  personalMailbox: string | null;
}

const SECTION = "space-y-2 border-t border-stone-100 pt-3 first:border-t-0 first:pt-0";
const SMALL_BUTTON =
  "rounded-md border border-stone-300 px-2 py-1 text-xs text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

export function UserManage({ user, others, self }: { user: ManagedUser; others: ManagedUser[]; self: boolean }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <details className="mt-2 text-left" onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary
        className="cursor-pointer text-xs text-slate-600"
        aria-label={t("users.manageNamed", { email: user.email })}
      >
        {t("users.manage")}
      </summary>
      {open ? (
        <div className="mt-2 w-80 space-y-3 rounded-md border border-stone-200 bg-white p-3 shadow-sm">
          <EditUser user={user} />
          <ResetPassword user={user} />
          <Sessions user={user} />
          {self ? null : <RemoveUser user={user} others={others} />}
        </div>
      ) : null}
    </details>
  );
}

function EditUser({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [saved, setSaved] = useState<string | null>(null);
  const edit = useMutation(trpc.admin.users.edit.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSaved(null);
    edit.mutate(
      {
        userId: user.id,
        name: String(form.get("name") ?? ""),
        role: form.get("role") === "admin" ? "admin" : "agent",
      },
      {
        onSuccess: (r) => {
          setSaved(t("users.saved", { email: r.email }));
          router.refresh();
        },
      },
    );
  }
  return (
    <form onSubmit={onSubmit} className={SECTION} noValidate>
      <TextField label={t("admin.name")} name="name" defaultValue={user.name} autoComplete="off" />
      <label className="block text-sm font-medium text-slate-700">
        {t("admin.role")}
        <select
          name="role"
          defaultValue={user.role}
          className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="agent">{t("admin.roleAgent")}</option>
          <option value="admin">{t("admin.roleAdmin")}</option>
        </select>
      </label>
      <FormMessage error={edit.error} success={saved} />
      <SubmitButton pending={edit.isPending}>{t("users.save")}</SubmitButton>
    </form>
  );
}

function ResetPassword({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const t = useT();
  const [link, setLink] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reset = useMutation(trpc.admin.users.resetPassword.mutationOptions());
  function makeLink() {
    setDone(null);
    setLink(null);
    reset.mutate(
      { userId: user.id, mode: "link" },
      { onSuccess: (r) => setLink(r.path ? `${window.location.origin}${r.path}` : null) },
    );
  }
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setLink(null);
    setDone(null);
    reset.mutate(
      { userId: user.id, mode: "password", password: String(form.get("password") ?? "") },
      {
        onSuccess: () => {
          formElement.reset();
          setDone(t("users.passwordSet", { email: user.email }));
        },
      },
    );
  }
  return (
    <div className={SECTION}>
      <h4 className="text-xs font-semibold text-slate-700 uppercase">{t("users.resetPassword")}</h4>
      <button type="button" className={SMALL_BUTTON} disabled={reset.isPending} onClick={makeLink}>
        {t("users.makeResetLink")}
      </button>
      {link ? <OneTimeLink link={link} /> : null}
      <form onSubmit={onSubmit} className="space-y-2" noValidate>
        <TextField
          label={t("users.newPassword")}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t("admin.passwordHint")}
        />
        <FormMessage error={reset.error} success={done} />
        <SubmitButton pending={reset.isPending}>{t("users.setPassword")}</SubmitButton>
      </form>
    </div>
  );
}

/** A one-time link, shown once, to copy and hand over. */
export function OneTimeLink({ link }: { link: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1" role="status">
      <p className="text-xs text-slate-600">{t("users.linkShownOnce")}</p>
      <div className="flex gap-2">
        <input
          readOnly
          value={link}
          aria-label={t("users.oneTimeLink")}
          className="block w-full rounded-md border border-stone-300 bg-stone-50 px-2 py-1 font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          className={SMALL_BUTTON}
          onClick={() =>
            navigator.clipboard?.writeText(link).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? t("users.copied") : t("users.copy")}
        </button>
      </div>
    </div>
  );
}

function Sessions({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.admin.users.sessions.queryOptions({ userId: user.id }));
  const end = useMutation(
    trpc.admin.users.endSession.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.admin.users.sessions.queryKey({ userId: user.id }) }),
    }),
  );
  const rows = sessions.data ?? [];
  return (
    <div className={SECTION}>
      <h4 className="text-xs font-semibold text-slate-700 uppercase">{t("users.sessions")}</h4>
      {sessions.isPending ? null : rows.length === 0 ? (
        <p className="text-xs text-slate-500">{t("users.noSessions")}</p>
      ) : (
        <ul className="space-y-1 text-xs">
          {rows.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2">
              <span className="min-w-0 truncate text-slate-600" title={s.userAgent ?? ""}>
                <LocalTime iso={new Date(s.createdAt).toISOString()} /> · {s.ip ?? t("users.unknownAddress")}
              </span>
              <button
                type="button"
                className={SMALL_BUTTON}
                disabled={end.isPending}
                aria-label={t("users.endSessionFrom", { when: new Date(s.createdAt).toISOString() })}
                onClick={() => end.mutate({ userId: user.id, sessionId: s.id })}
              >
                {t("users.endSession")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormMessage error={end.error ?? sessions.error} />
    </div>
  );
}

function RemoveUser({ user, others }: { user: ManagedUser; others: ManagedUser[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const remove = useMutation(trpc.admin.users.remove.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fate = form.get("fate");
    const handTo = Number(form.get("handTo"));
    remove.mutate(
      {
        userId: user.id,
        mailbox: fate === "keep" ? "keep" : fate === "handTo" ? "handTo" : undefined,
        handToUserId: fate === "handTo" && handTo > 0 ? handTo : undefined,
      },
      { onSuccess: () => router.refresh() },
    );
  }
  return (
    <form onSubmit={onSubmit} className={SECTION} noValidate>
      <h4 className="text-xs font-semibold text-slate-700 uppercase">{t("users.remove")}</h4>
      {user.personalMailbox ? (
        <fieldset className="space-y-1 text-sm text-slate-700">
          <legend className="text-xs text-slate-600">
            {t("users.mailboxFate", { mailbox: user.personalMailbox })}
          </legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="fate" value="keep" />
            {t("users.keepMailbox")}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="fate" value="handTo" />
            {t("users.handMailboxTo")}
            <select
              name="handTo"
              aria-label={t("users.handMailboxToWho")}
              className="rounded-md border border-stone-300 bg-white px-1 py-0.5 text-xs"
            >
              <option value="">—</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.email}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
      ) : null}
      <FormMessage error={remove.error} />
      <SubmitButton pending={remove.isPending} className="bg-rose-700 hover:bg-rose-600">
        {t("users.removeNamed", { email: user.email })}
      </SubmitButton>
    </form>
  );
}
