// Step 1 of storing a copy: what the receiving mailbox already holds. One
// statement reads the quota counters, finds an identical earlier delivery and
// makes the customer a Contact (insert-or-select: no row lock, no dead tuple).
import type { RawSql } from "../db/raw-sql.ts";
import type { ParsedMessage } from "../mime/parse-message.ts";
import type { StoreCopy } from "./store-copy.ts";

export interface MailboxState {
  /** The mailbox has a byte or message limit. */
  limited: boolean;
  /**
   * This copy fits the quota as last committed (yubin_quota_fits). A cheap
   * early answer only: the write re-checks under a lock (write-message.ts).
   */
  fits: boolean;
  /** The earlier copy of this very message in the mailbox (see findDuplicate). */
  duplicateOf: number | null;
  contactId: number | null;
  roundRobin: boolean;
}

/** Null when the mailbox does not exist. */
export async function readMailboxState(tx: RawSql, copy: StoreCopy): Promise<MailboxState | null> {
  const { mailboxId, message } = copy;
  const contactAddress = customerAddress(copy);
  const [state] = await tx.$queryRaw<MailboxState[]>`
    with contact as (
      insert into "Contact" (email, name) select ${contactAddress}::text, ${message.fromName.slice(0, 200)}
      where ${contactAddress}::text is not null
      on conflict (email) do nothing returning id
    )
    select m."quotaBytes" is not null or m."quotaMessages" is not null as limited,
      yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", ${copy.raw.length}, 1) as fits,
      m."roundRobin",
      (select id from "Message"
        where "mailboxId" = ${mailboxId} and "messageIdHeader" = ${message.messageIdHeader} and "deletedAt" is null
          and ("contentHash" = ${message.contentHash} or ("contentHash" is null and "bodyHash" = ${message.bodyHash}))
        limit 1
      ) as "duplicateOf",
      coalesce((select id from contact), (select id from "Contact" where email = ${contactAddress}::text)) as "contactId"
    from "Mailbox" m where m.id = ${mailboxId}`;
  return state ?? null;
}

/**
 * The same for many messages into one mailbox (the connector's batch), in
 * one statement instead of one per message: in the order given, null for
 * each when the mailbox does not exist. Read before any of them is written,
 * so a message's twin later in the same batch is not seen here; the write's
 * unique index catches it (store-in-mailbox.ts), as it does two deliveries
 * racing. The quota answer is as early as ever: the write re-checks.
 */
export async function readMailboxStates(
  tx: RawSql,
  mailboxId: number,
  copies: readonly Pick<StoreCopy, "raw" | "message" | "direction">[],
): Promise<(MailboxState | null)[]> {
  if (copies.length === 0) return [];
  const contacts = copies.map((c) => customerAddress(c));
  const rows = await tx.$queryRaw<(MailboxState & { n: bigint })[]>`
    with input as (
      select * from unnest(${contacts}::text[], ${copies.map((c) => c.message.fromName.slice(0, 200))}::text[],
        ${copies.map((c) => c.raw.length)}::int[], ${copies.map((c) => c.message.messageIdHeader)}::text[],
        ${copies.map((c) => c.message.contentHash)}::text[], ${copies.map((c) => c.message.bodyHash)}::text[])
        with ordinality as i(contact, name, size, "messageIdHeader", "contentHash", "bodyHash", n)
    ), contact as (
      insert into "Contact" (email, name)
      select distinct on (contact) contact, name from input where contact is not null order by contact, n
      on conflict (email) do nothing returning id, email
    )
    select i.n, m."quotaBytes" is not null or m."quotaMessages" is not null as limited,
      yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", i.size, 1) as fits,
      m."roundRobin",
      (select id from "Message" x
        where x."mailboxId" = m.id and x."messageIdHeader" = i."messageIdHeader" and x."deletedAt" is null
          and (x."contentHash" = i."contentHash" or (x."contentHash" is null and x."bodyHash" = i."bodyHash"))
        limit 1
      ) as "duplicateOf",
      coalesce((select id from contact where email = i.contact), (select id from "Contact" where email = i.contact))
        as "contactId"
    from input i join "Mailbox" m on m.id = ${mailboxId}::int
    order by i.n`;
  const byIndex = new Map(rows.map(({ n, ...state }) => [Number(n) - 1, state]));
  return copies.map((_, i) => byIndex.get(i) ?? null);
}

/**
 * An identical redelivery (same Message-ID and content, trace fields aside
 * (content-hash.ts), to the same mailbox) stores nothing. Messages stored
 * before contentHash existed are matched as they were then, by Message-ID
 * and body. Without a Message-ID nothing is a duplicate (NULL never equals):
 * two identical alerts from a script are two events. The unique index on
 * (mailbox, Message-ID, contentHash) settles the race between two copies
 * arriving at once (see write-message.ts); this finds the winner.
 */
export async function findDuplicate(tx: RawSql, mailboxId: number, message: ParsedMessage): Promise<number | null> {
  const [existing] = await tx.$queryRaw<{ id: number }[]>`
    select id from "Message"
    where "mailboxId" = ${mailboxId} and "messageIdHeader" = ${message.messageIdHeader} and "deletedAt" is null
      and ("contentHash" = ${message.contentHash} or ("contentHash" is null and "bodyHash" = ${message.bodyHash}))
    limit 1`;
  return existing?.id ?? null;
}

/** Mail from a customer makes them a Contact; Yubin's own outbound copies do not. */
function customerAddress(copy: Pick<StoreCopy, "direction" | "message">): string | null {
  return copy.direction === "inbound" && copy.message.fromAddress ? copy.message.fromAddress : null;
}
