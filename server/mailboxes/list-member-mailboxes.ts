import { membershipOf } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";

/** The mailboxes a user may work in, directly or through a team. */
export async function listMemberMailboxes(userId: number) {
  const mailboxes = await db().mailbox.findMany({
    where: { memberships: { some: membershipOf(userId) } },
    orderBy: [{ kind: "desc" }, { address: "asc" }],
    select: { id: true, address: true, displayName: true, kind: true },
  });
  return mailboxes;
}

export async function memberMailboxIds(userId: number): Promise<number[]> {
  return (await listMemberMailboxes(userId)).map((m) => m.id);
}
