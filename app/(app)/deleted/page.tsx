import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { RecentlyDeleted } from "../../components/deleted-mail-list.tsx";
import { getT } from "../../i18n/server.ts";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("recovery.recentlyDeleted") };
}

/** A member's "Recently deleted": their mailboxes' deleted mail, restorable until purged. */
export default async function RecentlyDeletedPage() {
  const caller = await serverCaller();
  const t = await getT();
  const { mailboxes } = await caller.me.get();
  return (
    <div className="mx-auto max-w-6xl">
      <h1 className="text-2xl font-semibold tracking-tight">{t("recovery.recentlyDeleted")}</h1>
      <p className="mt-2 max-w-3xl text-sm text-slate-600">{t("recovery.memberIntro")}</p>
      <div className="mt-6">
        <RecentlyDeleted mailboxes={mailboxes.map((m) => ({ id: m.id, address: m.address }))} />
      </div>
    </div>
  );
}
