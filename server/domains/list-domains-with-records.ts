import { listDomains } from "./add-domain.ts";
import { loadDomainKeys } from "./domain-keys.ts";
import { expectedRecords, zoneText } from "./expected-records.ts";

/** The local domains with the DNS records to publish for each, for the admin pages. */
export async function listDomainsWithRecords(mailHostname: string) {
  const domains = await listDomains();
  return Promise.all(
    domains.map(async (d) => {
      const records = expectedRecords(await loadDomainKeys(d.name), mailHostname);
      return {
        id: d.id,
        name: d.name,
        createdAt: d.createdAt,
        mailboxCount: d._count.mailboxes,
        records,
        /** All of them as zone-file lines, for "copy all". */
        dnsRecords: zoneText(records),
      };
    }),
  );
}
