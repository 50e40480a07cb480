// Admin → Audit log: search the audit trail and export it as CSV (the export
// route app/api/admin/audit-log/route.ts calls `export` through this router,
// so the same admin check applies). Exporting is itself audited.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { auditCsv } from "../../audit/audit-csv.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import { exportAudit, searchAudit } from "../../audit/search-audit.ts";
import { AUDIT_FILTER_CHARS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { dateInput } from "../date-input.ts";
import { adminProcedure, router } from "../trpc.ts";

const filter = {
  actor: safeText.trim().max(AUDIT_FILTER_CHARS).optional(),
  action: safeText.trim().max(AUDIT_FILTER_CHARS).optional(),
  subject: safeText.trim().max(AUDIT_FILTER_CHARS).optional(),
  address: safeText.trim().max(AUDIT_FILTER_CHARS).optional(),
  since: dateInput.optional(),
  until: dateInput.optional(),
};

export const adminAuditRouter = router({
  search: adminProcedure
    .input(z.object({ ...filter, cursor: id.nullish() }))
    .query(({ input: { cursor, ...f } }) => searchAudit(f, { beforeId: cursor ?? undefined })),
  /** The CSV text, newest first; `truncated` when more rows matched than one export holds. */
  export: adminProcedure.input(z.object(filter)).query(async ({ ctx, input }) => {
    const { rows, truncated } = await exportAudit(input);
    await recordAudit({
      actorId: ctx.user.id,
      action: "audit.export",
      subjectType: "audit_log",
      subjectId: "csv",
      after: {
        filter: { ...input, since: input.since?.toISOString(), until: input.until?.toISOString() },
        rows: rows.length,
        truncated,
      },
      ip: ctx.ip,
    });
    return { csv: auditCsv(rows), rows: rows.length, truncated };
  }),
});
