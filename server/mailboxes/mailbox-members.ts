// The people who work in a mailbox, directly or through a team: who may be
// assigned (inside the assignment transaction), who a note may mention, and
// the candidates of the @ autocomplete. One query serves all three.
import { type AuthorizedMailboxId, MAILBOX_ACCESS } from "../access/gate.ts";
import type { RawSql } from "../db/raw-sql.ts";

export interface MailboxMember {
  id: number;
  name: string;
  email: string;
  /** Marked available for round-robin assignment. */
  available: boolean;
}

/** Enabled members of the mailbox, by name. */
export async function mailboxMembers(tx: RawSql, mailboxId: AuthorizedMailboxId): Promise<MailboxMember[]> {
  return tx.$queryRaw`
    select u.id, u.name, u.email, u.available from "User" u
    where not u.disabled
      and exists (select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = ${mailboxId}::int and a."userId" = u.id)
    order by lower(u.name), u.id`;
}
