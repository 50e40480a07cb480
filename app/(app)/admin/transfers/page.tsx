import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { MAX_IMPORT_UPLOAD_BYTES } from "../../../../server/limits.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { ExportForm } from "./export-form.tsx";
import { ImportForm } from "./import-form.tsx";
import { TransferList } from "./transfer-list.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("transfer.title") };
}

/** Import an mbox or a zip of .eml into a mailbox, export one; the jobs with their progress. */
export default async function TransfersPage() {
  await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const [mailboxes, jobs] = await Promise.all([caller.admin.mailboxes.list(), caller.admin.transfers.list({})]);
  const choices = mailboxes.map((m) => ({ id: m.id, address: m.address }));
  return (
    <div className="grid grid-cols-1 gap-6">
      <div className="grid grid-cols-1 gap-6 md:grid-cols-2">
        <Panel id="import" title={t("transfer.importTitle")}>
          <p className="mb-4 text-sm text-slate-600">
            {t("transfer.importIntro", { max: formatSize(MAX_IMPORT_UPLOAD_BYTES) })}
          </p>
          <ImportForm mailboxes={choices} />
        </Panel>
        <Panel id="export" title={t("transfer.exportTitle")}>
          <p className="mb-4 text-sm text-slate-600">{t("transfer.exportIntro")}</p>
          <ExportForm mailboxes={choices} />
        </Panel>
      </div>
      <Panel id="transfers" title={t("transfer.jobs")}>
        <TransferList initial={jobs} />
      </Panel>
    </div>
  );
}
