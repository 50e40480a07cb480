import { db } from "../db.ts";

/** The mailboxes a user may work in, directly or through a team. */
export async function listMemberMailboxes(userId: number) {
  const mailboxes = await db().mailbox.findMany({
    where: {
      memberships: { some: { OR: [{ userId }, { team: { members: { some: { userId } } } }] } },
    },
    orderBy: [{ kind: "desc" }, { address: "asc" }],
    select: { id: true, address: true, displayName: true, kind: true },
  });
  return mailboxes;
}
