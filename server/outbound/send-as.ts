// Which addresses a user may send as (DESIGN.md "No open relay"): the
// addresses and aliases of the mailboxes the session may use — what the
// authority gate granted it (server/access/gate.ts: mailboxesForLogin for a
// protocol login, authorizeMailbox on the web). Anything else is refused
// (553 5.7.1 at submission). A session opened with a mailbox-scoped app
// password was granted only that mailbox, so it sends only as that mailbox.
// Plain SQL (server/db/raw-sql.ts): this runs at every MAIL FROM.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface SendAsMailbox {
  mailboxId: AuthorizedMailboxId;
  address: string;
  kind: "personal" | "shared";
}

/** The mailbox that `address` sends from, among the granted ones, or null when it is none of theirs. */
export async function findSendAsMailbox(
  granted: readonly AuthorizedMailboxId[],
  address: string,
): Promise<SendAsMailbox | null> {
  const found = await findSendAsMailboxes(granted, [address]);
  return found.get(address.trim().toLowerCase()) ?? null;
}

/**
 * The same for several addresses in one round trip (MAIL FROM and every
 * From: address of a message). Keys are the lower-cased addresses; an
 * address the session may not send as is absent.
 */
export async function findSendAsMailboxes(
  granted: readonly AuthorizedMailboxId[],
  addresses: string[],
): Promise<Map<string, SendAsMailbox>> {
  const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()))];
  const found = new Map<string, SendAsMailbox>();
  if (wanted.length === 0 || granted.length === 0) return found;
  const rows = await sql.$queryRaw<{ address: string; id: number; kind: "personal" | "shared" }[]>`
    select c.address, m.id, m.kind::text as kind
    from (
      select address, id as "mailboxId", 0 as via from "Mailbox" where address = any(${wanted}::text[])
      union all
      select address, "mailboxId", 1 from "Alias" where address = any(${wanted}::text[])
    ) c
    join "Mailbox" m on m.id = c."mailboxId"
    where m.id = any(${[...granted]}::int[])
    order by c.via`;
  for (const row of rows) {
    // The branded id itself, as the gate granted it.
    const mailboxId = granted.find((id) => id === row.id);
    if (mailboxId !== undefined && !found.has(row.address)) {
      found.set(row.address, { mailboxId, address: row.address, kind: row.kind });
    }
  }
  return found;
}
