import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { AdminDeletedMail } from "../../../components/deleted-mail-list.tsx";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { RetentionForm } from "./retention-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("recovery.deletedMail") };
}

/** Deleted mail in every mailbox (find, restore) and each mailbox's retention window. */
export default async function DeletedMailPage() {
  await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const mailboxes = await caller.admin.mailboxes.list();
  const retention = await Promise.all(mailboxes.map((m) => caller.recovery.admin.retention({ mailboxId: m.id })));
  return (
    <div className="grid grid-cols-1 gap-6">
      <Panel id="deleted-mail" title={t("recovery.deletedMail")}>
        <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("recovery.adminIntro")}</p>
        <AdminDeletedMail mailboxes={mailboxes.map((m) => ({ id: m.id, address: m.address }))} />
      </Panel>
      <Panel id="retention" title={t("recovery.retention")}>
        <ul className="divide-y divide-stone-100">
          {mailboxes.map((m, i) => (
            <li key={m.id} className="py-3 first:pt-0 last:pb-0">
              <RetentionForm
                mailboxId={m.id}
                address={m.address}
                days={retention[i]?.days ?? 0}
                isDefault={retention[i]?.isDefault ?? true}
              />
            </li>
          ))}
        </ul>
      </Panel>
    </div>
  );
}
