import type { Prisma } from "../db.ts";
import { db } from "../db.ts";

export interface AuditInput {
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  ip?: string | null;
}

type Tx = Pick<ReturnType<typeof db>, "auditEvent">;

/** Records who did what; pass the transaction client so the event commits with the change. */
export async function recordAudit(input: AuditInput, tx: Tx = db()): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: input.actorId,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: String(input.subjectId),
      before: input.before,
      after: input.after,
      ip: input.ip ?? null,
    },
  });
}
