// Which addresses a user may send as (DESIGN.md "No open relay"): the
// addresses and aliases of every mailbox the user works in — their own
// personal mailbox and the shared mailboxes they belong to, directly or
// through a team. Anything else is refused (553 5.7.1 at submission). A
// session opened with a mailbox-scoped app password may send only as that
// mailbox (its address and aliases), and only while the user still belongs
// to it. Plain SQL (server/db/raw-sql.ts): this runs at every MAIL FROM.
import { sql } from "../db/raw-sql.ts";

export interface SendAsMailbox {
  mailboxId: number;
  address: string;
  kind: "personal" | "shared";
}

export interface SendAsScope {
  userId: number;
  /** Set for a mailbox-scoped app password: nothing but this mailbox. */
  mailboxId?: number | null;
}

/** The mailbox that `address` sends from for this user, or null when the user may not use it. */
export async function findSendAsMailbox(scope: SendAsScope | number, address: string): Promise<SendAsMailbox | null> {
  const found = await findSendAsMailboxes(scope, [address]);
  return found.get(address.trim().toLowerCase()) ?? null;
}

/**
 * The same for several addresses in one round trip (MAIL FROM and every
 * From: address of a message). Keys are the lower-cased addresses; an
 * address the user may not send as is absent.
 */
export async function findSendAsMailboxes(
  scope: SendAsScope | number,
  addresses: string[],
): Promise<Map<string, SendAsMailbox>> {
  const { userId, mailboxId = null } = typeof scope === "number" ? { userId: scope } : scope;
  const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()))];
  const found = new Map<string, SendAsMailbox>();
  if (wanted.length === 0) return found;
  const rows = await sql.$queryRaw<{ address: string; id: number; kind: "personal" | "shared" }[]>`
    select c.address, m.id, m.kind::text as kind
    from (
      select address, id as "mailboxId", 0 as via from "Mailbox" where address = any(${wanted}::text[])
      union all
      select address, "mailboxId", 1 from "Alias" where address = any(${wanted}::text[])
    ) c
    join "Mailbox" m on m.id = c."mailboxId"
    where (${mailboxId}::int is null or m.id = ${mailboxId}::int)
      and exists (
        select 1 from "Membership" ms
        where ms."mailboxId" = m.id
          and (ms."userId" = ${userId}
            or ms."teamId" in (select "teamId" from "TeamMember" where "userId" = ${userId}))
      )
    order by c.via`;
  for (const row of rows) {
    if (!found.has(row.address)) found.set(row.address, { mailboxId: row.id, address: row.address, kind: row.kind });
  }
  return found;
}
