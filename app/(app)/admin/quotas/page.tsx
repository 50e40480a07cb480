import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { QuotaList } from "./quota-list.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("quota.title") };
}

export default async function QuotasPage() {
  await requireAdmin();
  const t = await getT();
  const overview = await (await serverCaller()).quotas.overview();
  return (
    <Panel id="quotas" title={t("quota.title")}>
      <QuotaList initial={overview} />
    </Panel>
  );
}
