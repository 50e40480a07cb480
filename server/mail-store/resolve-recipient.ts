// Who a local address is. Used at SMTP RCPT time (before any data is read) and
// by submission later. RFC 5233 subaddresses ("support+billing@") deliver to
// the base address.
import { sql } from "../db/raw-sql.ts";

export type RecipientResolution =
  | { kind: "local"; mailboxId: number }
  | { kind: "full"; mailboxId: number }
  | { kind: "unknown" }
  | { kind: "foreign" };

interface Candidate {
  kind: "domain" | "mailbox";
  rank: number;
  id: number;
  full: boolean;
}

export async function resolveRecipient(address: string): Promise<RecipientResolution> {
  const at = address.lastIndexOf("@");
  if (at <= 0) return { kind: "unknown" };
  const domainName = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
  const localPart = address.slice(0, at).toLowerCase();
  const candidates = [`${localPart}@${domainName}`];
  const plus = localPart.indexOf("+");
  if (plus > 0) candidates.push(`${localPart.slice(0, plus)}@${domainName}`);
  // One round trip per RCPT: the domain, and the mailbox behind each candidate
  // address (exact address first, then the base of a subaddress; own address
  // before alias).
  const rows = await sql.$queryRaw<Candidate[]>`
    select 'domain' as kind, 0 as rank, id, false as full from "Domain" where name = ${domainName}
    union all
    select 'mailbox', array_position(${candidates}::text[], c.address) * 2 + c.via, m.id,
      (m."quotaBytes" is not null and m."usedBytes" >= m."quotaBytes")
        or (m."quotaMessages" is not null and m."usedMessages" >= m."quotaMessages")
    from (
      select address, id as "mailboxId", 0 as via from "Mailbox" where address = any(${candidates}::text[])
      union all
      select address, "mailboxId", 1 from "Alias" where address = any(${candidates}::text[])
    ) c join "Mailbox" m on m.id = c."mailboxId"
    order by rank`;
  if (!rows.some((r) => r.kind === "domain")) return { kind: "foreign" };
  const mailbox = rows.find((r) => r.kind === "mailbox");
  if (!mailbox) return { kind: "unknown" };
  return mailbox.full ? { kind: "full", mailboxId: mailbox.id } : { kind: "local", mailboxId: mailbox.id };
}
