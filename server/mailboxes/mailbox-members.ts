// The people who work in a mailbox, directly or through a team: who may be
// assigned (inside the assignment transaction), who a note may mention, and
// the candidates of the @ autocomplete. One query serves all three.
import type { RawSql } from "../db/raw-sql.ts";

export interface MailboxMember {
  id: number;
  name: string;
  email: string;
  /** Marked available for round-robin assignment. */
  available: boolean;
}

/** Enabled members of the mailbox, by name. */
export async function mailboxMembers(tx: RawSql, mailboxId: number): Promise<MailboxMember[]> {
  return tx.$queryRaw`
    select u.id, u.name, u.email, u.available from "User" u
    where not u.disabled and exists (
      select 1 from "Membership" ms
      where ms."mailboxId" = ${mailboxId}
        and (ms."userId" = u.id or ms."teamId" in (select tm."teamId" from "TeamMember" tm where tm."userId" = u.id)))
    order by lower(u.name), u.id`;
}
