import { loadDomainKeys } from "./domain-keys.ts";
import { expectedRecords, zoneText } from "./expected-records.ts";

/** The DNS records an operator publishes for a local domain, in zone-file form. */
export async function dnsRecords(domainName: string, mailHostname: string): Promise<string> {
  return zoneText(expectedRecords(await loadDomainKeys(domainName), mailHostname));
}
