import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { AddDomainForm } from "./add-domain-form.tsx";
import { DomainCard } from "./domain-card.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.domains") };
}

export default async function DomainsPage() {
  await requireAdmin();
  const t = await getT();
  const domains = await (await serverCaller()).admin.domains.list();
  return (
    <div className="grid grid-cols-1 gap-6">
      <Panel id="domains" title={t("admin.localDomains")}>
        {domains.length === 0 ? (
          <p className="text-sm text-slate-500">{t("admin.noDomains")}</p>
        ) : (
          <ul className="space-y-10">
            {domains.map((domain) => (
              <DomainCard key={domain.id} domain={domain} />
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
