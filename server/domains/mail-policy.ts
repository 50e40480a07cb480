// A local domain's inbound mail policy, as an admin sets it (CLI today, the
// admin pages later): where postmaster@ and abuse@ go (RFC 5321 §4.5.1, RFC
// 2142) and how the MX enforces the DMARC policy of senders (RFC 7489 §6.6).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import type { DmarcEnforcement } from "../mail-store/resolve-recipient.ts";
import { normalizeAddress, normalizeDomain } from "../mailboxes/address.ts";

export const DMARC_ENFORCEMENTS: readonly DmarcEnforcement[] = ["policy", "quarantine", "off"];

export interface DomainMailPolicy {
  domain: string;
  /** The mailbox postmaster@/abuse@ go to; null: every admin's personal mailbox. */
  postmaster: string | null;
  dmarc: DmarcEnforcement;
}

export async function domainMailPolicy(domainName: string): Promise<DomainMailPolicy> {
  const name = normalizeDomain(domainName);
  const domain = await db().domain.findUnique({ where: { name }, include: { postmasterMailbox: true } });
  if (!domain) throw new InputError(`no domain ${name}`, "not_found");
  return { domain: name, postmaster: domain.postmasterMailbox?.address ?? null, dmarc: domain.dmarcEnforcement };
}

/**
 * Changes what is given; `postmaster: null` goes back to every admin's
 * mailbox. The postmaster mailbox may be on any local domain.
 */
export async function setDomainMailPolicy(input: {
  domain: string;
  postmaster?: string | null;
  dmarc?: DmarcEnforcement;
  actorId: number | null;
}): Promise<DomainMailPolicy> {
  const name = normalizeDomain(input.domain);
  if (input.dmarc !== undefined && !DMARC_ENFORCEMENTS.includes(input.dmarc)) {
    throw new InputError(`DMARC enforcement is one of ${DMARC_ENFORCEMENTS.join(", ")}`);
  }
  await db().$transaction(async (tx) => {
    const domain = await tx.domain.findUnique({ where: { name }, include: { postmasterMailbox: true } });
    if (!domain) throw new InputError(`no domain ${name}`, "not_found");
    let postmasterMailboxId = domain.postmasterMailboxId;
    if (input.postmaster !== undefined) {
      if (input.postmaster === null) postmasterMailboxId = null;
      else {
        const { address } = normalizeAddress(input.postmaster);
        const mailbox = await tx.mailbox.findUnique({ where: { address } });
        if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
        postmasterMailboxId = mailbox.id;
      }
    }
    const dmarcEnforcement = input.dmarc ?? domain.dmarcEnforcement;
    await tx.domain.update({ where: { id: domain.id }, data: { postmasterMailboxId, dmarcEnforcement } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "domain.mail_policy",
        subjectType: "domain",
        subjectId: domain.id,
        before: { postmasterMailboxId: domain.postmasterMailboxId, dmarc: domain.dmarcEnforcement },
        after: { postmasterMailboxId, dmarc: dmarcEnforcement },
      },
      tx,
    );
  });
  return domainMailPolicy(name);
}
