import Link from "next/link";
import type { CustomerPanel as Panel } from "../../../../server/contacts/customer-panel.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { StatusBadge } from "../../../components/status-badge.tsx";
import { getT } from "../../../i18n/server.ts";

/** Who the customer is and what else they wrote, in mailboxes the viewer works in. */
export async function CustomerPanel({ panel }: { panel: Panel }) {
  const t = await getT();
  return (
    <section
      aria-labelledby="customer-panel-heading"
      className="rounded-xl border border-stone-200 bg-white p-4 text-sm shadow-sm"
      data-testid="customer-panel"
    >
      <h2 id="customer-panel-heading" className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {t("customer.title")}
      </h2>
      {panel.contact ? (
        <>
          <p className="mt-2 font-semibold break-words text-slate-900">{panel.contact.name || panel.contact.email}</p>
          <p className="break-all text-slate-500">{panel.contact.email}</p>
          <h3 className="mt-4 text-xs font-semibold tracking-wide text-slate-500 uppercase">
            {t("customer.previous")}
          </h3>
          {panel.previous.length ? (
            <ul aria-label={t("customer.previous")} className="mt-2 space-y-2">
              {panel.previous.map((c) => (
                <li key={c.id}>
                  <Link
                    href={`/conversations/${c.id}`}
                    className="block rounded-md px-2 py-1.5 -mx-2 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
                  >
                    <span className="block truncate font-medium text-slate-800">
                      {c.subject || t("common.noSubject")}
                    </span>
                    <span className="mt-0.5 flex items-center gap-2 text-xs text-slate-500">
                      <StatusBadge status={c.status} />
                      <span className="truncate">{c.mailbox.displayName || c.mailbox.address}</span>
                      <LocalTime iso={c.lastMessageAt.toISOString()} />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-slate-500">{t("customer.none")}</p>
          )}
        </>
      ) : (
        <p className="mt-2 text-slate-500">{t("customer.noContact")}</p>
      )}
    </section>
  );
}
