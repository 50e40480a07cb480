// Which mailboxes a user may work in: direct memberships and those of the
// user's teams. Every read of mail goes through here (DESIGN.md "Least
// privilege"); a mailbox outside this set is treated as nonexistent.
import { db } from "../db.ts";

export async function memberMailboxIds(userId: number): Promise<number[]> {
  const rows = await db().membership.findMany({
    where: { OR: [{ userId }, { team: { members: { some: { userId } } } }], mailbox: {} },
    select: { mailboxId: true },
    distinct: ["mailboxId"],
  });
  return rows.map((r) => r.mailboxId);
}

export async function isMailboxMember(userId: number, mailboxId: number): Promise<boolean> {
  const row = await db().membership.findFirst({
    where: { mailboxId, OR: [{ userId }, { team: { members: { some: { userId } } } }] },
    select: { id: true },
  });
  return row !== null;
}
