import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { ConnectorForm } from "./connector-form.tsx";
import { ConnectorList } from "./connector-list.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("connector.title") };
}

/** Remote IMAP mailboxes imported into shared mailboxes: add one (tested first), and each one's status. */
export default async function ConnectorsPage() {
  await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const [mailboxes, connectors] = await Promise.all([caller.admin.mailboxes.list(), caller.admin.connectors.list()]);
  const shared = mailboxes.filter((m) => m.kind === "shared").map((m) => ({ id: m.id, address: m.address }));
  return (
    <div className="grid gap-6">
      <Panel id="connectors" title={t("connector.listTitle")}>
        <ConnectorList initial={connectors} />
      </Panel>
      <Panel id="add-connector" title={t("connector.addTitle")}>
        <p className="mb-4 text-sm text-slate-600">{t("connector.intro")}</p>
        <ConnectorForm mailboxes={shared} />
      </Panel>
    </div>
  );
}
