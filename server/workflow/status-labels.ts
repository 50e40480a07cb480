// The names agents see for the four statuses. The statuses themselves are
// fixed (the write path and the folders depend on them); an admin renames
// their labels, e.g. 未処理 / 対応中 / 完了 / 迷惑, in the Setting "statusLabels".
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { sql } from "../db/raw-sql.ts";
import { db } from "../db.ts";

export const STATUSES = ["open", "pending", "closed", "spam"] as const;
export type Status = (typeof STATUSES)[number];
export type StatusLabels = Record<Status, string>;

export const DEFAULT_STATUS_LABELS: StatusLabels = { open: "Open", pending: "Pending", closed: "Closed", spam: "Spam" };

const SETTING_KEY = "statusLabels";

const label = z.string().trim().min(1, "a label cannot be empty").max(40, "labels are at most 40 characters");
export const statusLabelsInput = z.object({ open: label, pending: label, closed: label, spam: label });

export async function statusLabels(): Promise<StatusLabels> {
  const [row] = await sql.$queryRaw<{ value: unknown }[]>`select value from "Setting" where key = ${SETTING_KEY}`;
  // A hand-edited or partial setting falls back per status instead of breaking the inbox.
  const stored = (row?.value ?? {}) as Partial<Record<Status, unknown>>;
  const labels = { ...DEFAULT_STATUS_LABELS };
  for (const status of STATUSES) {
    const value = stored[status];
    if (typeof value === "string" && value.trim()) labels[status] = value.trim().slice(0, 40);
  }
  return labels;
}

export async function setStatusLabels(input: { labels: StatusLabels; actorId: number; ip?: string | null }) {
  const labels = statusLabelsInput.parse(input.labels);
  await db().$transaction(async (tx) => {
    const before = await tx.setting.findUnique({ where: { key: SETTING_KEY } });
    await tx.setting.upsert({
      where: { key: SETTING_KEY },
      create: { key: SETTING_KEY, value: labels },
      update: { value: labels },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "settings.status_labels",
        subjectType: "setting",
        subjectId: SETTING_KEY,
        before: (before?.value ?? undefined) as never,
        after: labels,
        ip: input.ip,
      },
      tx,
    );
  });
  return labels;
}
