// Who a local address is. Used at SMTP RCPT time (before any data is read) and
// by submission later. RFC 5233 subaddresses ("support+billing@") deliver to
// the base address.
//
// RFC 5321 §4.5.1: every domain that accepts mail has a postmaster, and RFC
// 2142 §2 adds abuse@ for reports. A mailbox or alias of that address wins;
// otherwise the domain's postmaster mailbox (Domain.postmasterMailboxId, set
// with `yubin domain set DOMAIN --postmaster ADDRESS`) gets the mail, and
// without one every admin's personal mailbox does.
import { sql } from "../db/raw-sql.ts";

/** What the MX does with mail failing DMARC for the recipient's domain (schema: DmarcEnforcement). */
export type DmarcEnforcement = "policy" | "quarantine" | "off";

export type RecipientResolution =
  /** One mailbox, or several for a role address delivered to every admin. */
  | { kind: "local"; mailboxIds: number[]; dmarc: DmarcEnforcement }
  | { kind: "full"; mailboxId: number }
  | { kind: "unknown" }
  | { kind: "foreign" };

/** RFC 5321 §4.5.1 postmaster, RFC 2142 §2 abuse: local parts compared without case. */
const ROLE_ADDRESSES = new Set(["postmaster", "abuse"]);

interface Candidate {
  kind: "domain" | "mailbox";
  rank: number;
  id: number;
  full: boolean;
  /** Domain rows only. */
  postmasterMailboxId: number | null;
  dmarc: DmarcEnforcement | null;
}

/**
 * `declaredSize`: the SIZE= given at MAIL FROM (RFC 1870 §6), so that a
 * mailbox the message would not fit is refused at RCPT already (452 4.2.2)
 * rather than after the whole message was sent. Without it, a mailbox is full
 * when not even one more byte fits. Either way the rule is yubin_quota_fits,
 * the one the write path applies (write-message.ts).
 */
export async function resolveRecipient(
  address: string,
  options: { declaredSize?: number | null } = {},
): Promise<RecipientResolution> {
  const bytes = Math.max(1, Math.floor(options.declaredSize ?? 1));
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
    select 'domain' as kind, 0 as rank, id, false as full, "postmasterMailboxId", "dmarcEnforcement"::text as dmarc
    from "Domain" where name = ${domainName}
    union all
    select 'mailbox', array_position(${candidates}::text[], c.address) * 2 + c.via, m.id,
      not yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", ${bytes}::bigint, 1),
      null, null
    from (
      select address, id as "mailboxId", 0 as via from "Mailbox" where address = any(${candidates}::text[])
      union all
      select address, "mailboxId", 1 from "Alias" where address = any(${candidates}::text[])
    ) c join "Mailbox" m on m.id = c."mailboxId"
    order by rank`;
  const domain = rows.find((r) => r.kind === "domain");
  if (!domain) return { kind: "foreign" };
  const dmarc = domain.dmarc ?? "policy";
  const mailbox = rows.find((r) => r.kind === "mailbox");
  if (mailbox)
    return mailbox.full ? { kind: "full", mailboxId: mailbox.id } : { kind: "local", mailboxIds: [mailbox.id], dmarc };
  const base = plus > 0 ? localPart.slice(0, plus) : localPart;
  if (!ROLE_ADDRESSES.has(base)) return { kind: "unknown" };
  return roleRecipient(domain.postmasterMailboxId, dmarc, bytes);
}

/** postmaster@ / abuse@ without a mailbox of their own: the domain's postmaster mailbox, else every admin's. */
async function roleRecipient(
  postmasterMailboxId: number | null,
  dmarc: DmarcEnforcement,
  bytes: number,
): Promise<RecipientResolution> {
  const targets = await sql.$queryRaw<{ id: number; full: boolean }[]>`
    select m.id,
      not yubin_quota_fits(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", ${bytes}::bigint, 1)
        as full
    from "Mailbox" m
    where case when ${postmasterMailboxId}::int is not null then m.id = ${postmasterMailboxId}::int
      else m."userId" in (select id from "User" where role = 'admin' and not disabled) end
    order by m.id`;
  const open = targets.filter((t) => !t.full).map((t) => t.id);
  if (open.length > 0) return { kind: "local", mailboxIds: open, dmarc };
  // Every target is full: the sender retries later (452), as for any full mailbox.
  const first = targets[0];
  return first ? { kind: "full", mailboxId: first.id } : { kind: "unknown" };
}
