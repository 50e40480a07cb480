import type { ReactNode } from "react";
import { AdminTabs } from "./admin-tabs.tsx";
import { requireAdmin } from "./require-admin.ts";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs />
      <div className="mt-6">{children}</div>
    </div>
  );
}
