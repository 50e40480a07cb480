// "Available" is what round-robin assignment looks at: someone away is skipped.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";

export async function availability(userId: number): Promise<boolean> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { available: true } });
  return user?.available ?? false;
}

export async function setAvailability(input: { userId: number; available: boolean; ip?: string | null }) {
  await db().$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { available: input.available },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.availability",
        subjectType: "user",
        subjectId: user.id,
        after: { available: input.available },
        ip: input.ip,
      },
      tx,
    );
  });
  return input.available;
}
