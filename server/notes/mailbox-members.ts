// The people who work in a mailbox (directly or through a team): the only
// ones a note may mention, and the candidates of the @ autocomplete.
import { db } from "../db.ts";
import type { AuthorizedMailboxId } from "../mailboxes/authorized-mailbox.ts";

export interface MailboxMember {
  id: number;
  name: string;
  email: string;
}

export async function listMailboxMembers(mailboxId: AuthorizedMailboxId): Promise<MailboxMember[]> {
  return db().user.findMany({
    where: {
      disabled: false,
      OR: [
        { memberships: { some: { mailboxId } } },
        { teams: { some: { team: { memberships: { some: { mailboxId } } } } } },
      ],
    },
    orderBy: [{ name: "asc" }, { email: "asc" }],
    select: { id: true, name: true, email: true },
  });
}
