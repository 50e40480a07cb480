import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeDomain } from "../mailboxes/address.ts";

/** The DNS records an operator publishes for a local domain, in zone-file form. */
export async function dnsRecords(domainName: string, mailHostname: string): Promise<string> {
  const name = normalizeDomain(domainName);
  const domain = await db().domain.findUnique({ where: { name } });
  if (!domain) throw new InputError(`no domain ${name}`, "not_found");
  const lines = [
    `${name}.\tMX\t10 ${mailHostname}.`,
    `${name}.\tTXT\t"v=spf1 mx -all"`,
    `_dmarc.${name}.\tTXT\t"v=DMARC1; p=quarantine; rua=mailto:postmaster@${name}"`,
  ];
  if (domain.dkimSelector && domain.dkimPublicKey) {
    // TXT strings are limited to 255 octets (RFC 1035 §3.3.14); split the key.
    const value = `v=DKIM1; k=rsa; p=${domain.dkimPublicKey}`;
    const chunks = value.match(/.{1,250}/g) ?? [];
    lines.push(`${domain.dkimSelector}._domainkey.${name}.\tTXT\t( ${chunks.map((c) => `"${c}"`).join(" ")} )`);
  }
  return lines.join("\n");
}
