import type { Metadata } from "next";
import { AUDIT_DEFAULT_RANGE_DAYS, AUDIT_EXPORT_MAX_ROWS, AUDIT_MAX_RANGE_DAYS } from "../../../../server/limits.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { AuditLog } from "./audit-log.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("audit.title") };
}

/** Every admin and security action, filtered, paged and exported as CSV. */
export default async function AuditLogPage() {
  await requireAdmin();
  const t = await getT();
  return (
    <Panel id="audit-log" title={t("audit.title")}>
      <p className="mb-2 max-w-3xl text-sm text-slate-600">{t("audit.intro")}</p>
      <p className="mb-4 max-w-3xl text-xs text-slate-500">
        {t("audit.rangeHint", { days: AUDIT_DEFAULT_RANGE_DAYS, max: AUDIT_MAX_RANGE_DAYS })}{" "}
        {t("audit.exportHint", { max: AUDIT_EXPORT_MAX_ROWS.toLocaleString("en") })}
      </p>
      <AuditLog />
    </Panel>
  );
}
