import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { AddDomainForm } from "./add-domain-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.domains") };
}

export default async function DomainsPage() {
  await requireAdmin();
  const t = await getT();
  const domains = await (await serverCaller()).admin.domains.list();
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Panel id="domains" title={t("admin.localDomains")}>
        {domains.length === 0 ? (
          <p className="text-sm text-slate-500">{t("admin.noDomains")}</p>
        ) : (
          <ul className="space-y-6">
            {domains.map((domain) => (
              <li key={domain.id}>
                <div className="flex items-baseline justify-between">
                  <h3 className="font-medium">{domain.name}</h3>
                  <span className="text-xs text-slate-500">
                    {t(domain.mailboxCount === 1 ? "admin.oneMailbox" : "admin.manyMailboxes", {
                      count: domain.mailboxCount,
                    })}
                  </span>
                </div>
                <p className="mt-1 text-xs text-slate-500">{t("admin.dnsRecordsFor", { name: domain.name })}</p>
                <pre className="mt-2 rounded-md bg-stone-50 p-3 font-mono break-all whitespace-pre-wrap text-xs leading-relaxed text-slate-700 ring-1 ring-stone-200">
                  {domain.dnsRecords}
                </pre>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel id="add-domain" title={t("admin.addADomain")}>
        <AddDomainForm />
      </Panel>
    </div>
  );
}
