"use client";
import { useT } from "../../../i18n/client.tsx";

/** The mailbox a form imports into or exports. */
export function MailboxSelect({ id, mailboxes }: { id: string; mailboxes: { id: number; address: string }[] }) {
  const t = useT();
  return (
    <div className="grid gap-1 text-sm text-slate-700">
      <label htmlFor={id}>{t("transfer.mailbox")}</label>
      <select
        id={id}
        name="mailboxId"
        required
        className="rounded-md border border-stone-300 px-2 py-1.5 text-sm focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none"
      >
        {mailboxes.map((m) => (
          <option key={m.id} value={m.id}>
            {m.address}
          </option>
        ))}
      </select>
    </div>
  );
}
