import { memberMailboxIds } from "../access/gate.ts";
import { db } from "../db.ts";

/** The mailboxes a user may work in (the gate's memberMailboxIds), with what the navigation shows. */
export async function listMemberMailboxes(userId: number) {
  const ids = await memberMailboxIds(userId);
  if (ids.length === 0) return [];
  const mailboxes = await db().mailbox.findMany({
    where: { id: { in: ids } },
    orderBy: [{ kind: "desc" }, { address: "asc" }],
    select: { id: true, address: true, displayName: true, kind: true },
  });
  return mailboxes;
}
