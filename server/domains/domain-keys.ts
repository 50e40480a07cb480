import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeDomain } from "../mailboxes/address.ts";
import type { DomainKeys } from "./expected-records.ts";

/** A local domain's id and DKIM keys (public halves), as expectedRecords takes them. */
export async function loadDomainKeys(domainName: string): Promise<DomainKeys & { id: number }> {
  const name = normalizeDomain(domainName);
  const domain = await db().domain.findUnique({
    where: { name },
    select: {
      id: true,
      name: true,
      dkimSelector: true,
      dkimPublicKey: true,
      dkimNextSelector: true,
      dkimNextPublicKey: true,
      retiredDkimKeys: { select: { selector: true, publicKey: true }, orderBy: { retiredAt: "desc" } },
    },
  });
  if (!domain) throw new InputError(`no domain ${name}`, "not_found");
  return { ...domain, retired: domain.retiredDkimKeys };
}
