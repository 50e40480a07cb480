// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts in preference
// order (equal preferences shuffled), else the domain's own A/AAAA records
// (the "implicit MX"); a null MX (RFC 7505) means the domain takes no mail.
import { Resolver } from "node:dns/promises";
import { DNS_QUERY_TIMEOUT_MS } from "../../server/limits.ts";

export interface MailHost {
  name: string;
  /** IPv4 first, then IPv6. */
  addresses: string[];
}

export type Route =
  | { kind: "hosts"; hosts: MailHost[] }
  | { kind: "fail"; code: number; status: string; reply: string };

/** The subset of node's Resolver this module uses, so tests can pass a fake. */
export type MxResolver = Pick<Resolver, "resolveMx" | "resolve4" | "resolve6">;

export function createMxResolver(servers?: string[]): MxResolver {
  const resolver = new Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return resolver;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;
// NXDOMAIN: the domain does not exist, which will not change by retrying.
const NO_DOMAIN = new Set(["ENOTFOUND"]);
const NO_DATA = new Set(["ENODATA", "ENOTFOUND"]);

export async function lookupRoute(domain: string, resolver: MxResolver): Promise<Route> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (NO_DOMAIN.has(code(error) ?? "")) {
      return { kind: "fail", code: 550, status: "5.1.2", reply: `Host or domain name not found: ${domain}` };
    }
    if (code(error) !== "ENODATA") return temporary(`MX lookup for ${domain} failed (${code(error)})`);
    records = [];
  }
  // RFC 7505 §3: a single MX with the root as exchange says "no mail here"; §4.2: 556 5.1.10.
  if (records.some((r) => r.exchange === "" || r.exchange === ".")) {
    return { kind: "fail", code: 556, status: "5.1.10", reply: `Domain ${domain} does not accept mail (null MX)` };
  }
  if (records.length === 0) {
    // RFC 5321 §5.1: no MX, so the domain itself is the host.
    const host = await addresses(domain, resolver);
    if (host === "temporary") return temporary(`address lookup for ${domain} failed`);
    if (host.length === 0) {
      return { kind: "fail", code: 550, status: "5.1.2", reply: `No MX or address records for ${domain}` };
    }
    return { kind: "hosts", hosts: [{ name: domain, addresses: host }] };
  }
  const ordered = records
    .map((r) => ({ ...r, tiebreak: Math.random() }))
    .sort((a, b) => a.priority - b.priority || a.tiebreak - b.tiebreak);
  const hosts: MailHost[] = [];
  let unresolved = false;
  for (const record of ordered) {
    const found = await addresses(record.exchange, resolver);
    if (found === "temporary") unresolved = true;
    else if (found.length > 0) hosts.push({ name: record.exchange.toLowerCase(), addresses: found });
  }
  if (hosts.length === 0) {
    return unresolved
      ? temporary(`could not resolve the MX hosts of ${domain}`)
      : { kind: "fail", code: 550, status: "5.4.4", reply: `MX hosts of ${domain} have no addresses` };
  }
  return { kind: "hosts", hosts };
}

async function addresses(name: string, resolver: MxResolver): Promise<string[] | "temporary"> {
  const found: string[] = [];
  let temporaryFailures = 0;
  for (const lookup of [resolver.resolve4.bind(resolver), resolver.resolve6.bind(resolver)]) {
    try {
      found.push(...(await lookup(name)));
    } catch (error) {
      if (!NO_DATA.has(code(error) ?? "")) temporaryFailures++;
    }
  }
  return found.length === 0 && temporaryFailures > 0 ? "temporary" : found;
}

function temporary(reply: string): Route {
  // RFC 3463 X.4.3: directory server failure.
  return { kind: "fail", code: 451, status: "4.4.3", reply };
}
