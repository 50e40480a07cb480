// Which addresses a user may send as (DESIGN.md "No open relay"): the
// addresses and aliases of every mailbox the user works in — their own
// personal mailbox and the shared mailboxes they belong to, directly or
// through a team. Anything else is refused (553 5.7.1 at submission).
import { db } from "../db.ts";
import { membershipOf } from "../mailboxes/authorized-mailbox.ts";

export interface SendAsMailbox {
  mailboxId: number;
  address: string;
  kind: "personal" | "shared";
}

/** The mailbox that `address` sends from for this user, or null when the user may not use it. */
export async function findSendAsMailbox(userId: number, address: string): Promise<SendAsMailbox | null> {
  const wanted = address.trim().toLowerCase();
  const mailbox = await db().mailbox.findFirst({
    where: {
      memberships: { some: membershipOf(userId) },
      OR: [{ address: wanted }, { aliases: { some: { address: wanted } } }],
    },
    select: { id: true, address: true, kind: true },
  });
  return mailbox ? { mailboxId: mailbox.id, address: wanted, kind: mailbox.kind } : null;
}
