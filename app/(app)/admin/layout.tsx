import type { ReactNode } from "react";
import { getT } from "../../i18n/server.ts";
import { AdminTabs } from "./admin-tabs.tsx";
import { requireAdmin } from "./require-admin.ts";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  const t = await getT();
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold tracking-tight">{t("admin.title")}</h1>
      <AdminTabs />
      <div className="mt-6">{children}</div>
    </div>
  );
}
