import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { StatusLabelsForm } from "./status-labels-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.settings") };
}

export default async function SettingsPage() {
  await requireAdmin();
  const t = await getT();
  const labels = await (await serverCaller()).workflow.statusLabels();
  return (
    <div className="max-w-xl">
      <Panel id="status-labels" title={t("admin.statusLabels")}>
        <p className="mb-4 text-sm text-slate-500">{t("admin.statusLabelsHelp")}</p>
        <StatusLabelsForm initial={labels} />
      </Panel>
    </div>
  );
}
