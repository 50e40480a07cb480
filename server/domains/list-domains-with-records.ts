import { listDomains } from "./add-domain.ts";
import { dnsRecords } from "./dns-records.ts";

/** The local domains with the DNS records to publish for each, for the admin pages. */
export async function listDomainsWithRecords(mailHostname: string) {
  const domains = await listDomains();
  return Promise.all(
    domains.map(async (d) => ({
      id: d.id,
      name: d.name,
      createdAt: d.createdAt,
      mailboxCount: d._count.mailboxes,
      dnsRecords: await dnsRecords(d.name, mailHostname),
    })),
  );
}
