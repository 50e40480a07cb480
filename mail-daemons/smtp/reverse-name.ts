// The client's reverse DNS name for the message trace, only when it is
// forward-confirmed (the PTR name resolves back to the client's address, as
// FCrDNS checks do): anyone controls the PTR record of their own addresses,
// so an unconfirmed name would let a client claim to be whoever it likes.
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { DNS_CACHE_ENTRIES } from "../../server/limits.ts";
import { DNS_CACHE_SECONDS } from "../shared/dns-cache.ts";
import type { DnsResolve } from "../shared/dns-resolver.ts";

/** PTR names tried per client; a PTR record set is rarely more than one. */
const MAX_NAMES = 3;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** The in-addr.arpa / ip6.arpa name of an address (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseQueryName(address: string): string | null {
  if (isIPv4(address)) return `${address.split(".").reverse().join(".")}.in-addr.arpa`;
  if (!isIPv6(address)) return null;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const nibbles = groups.map((g) => g.padStart(4, "0")).join("");
  return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
}

/**
 * The forward-confirmed name of an address, or null. The answer for an
 * address is kept as long as the DNS cache keeps the lookups it came from
 * (a busy sender opens connection after connection from one address; without
 * this, each would redo the lookups' bookkeeping from the cache). As in the
 * DNS cache, a timeout or server failure is not kept: the next connection asks again.
 */
export function confirmedReverseName(
  resolve: DnsResolve,
  now: () => number = Date.now,
): (address: string) => Promise<string | null> {
  const known = new Map<string, { expires: number; name: Promise<string | null> }>();
  return (address) => {
    const hit = known.get(address);
    if (hit && hit.expires > now()) return hit.name;
    known.delete(address);
    if (known.size >= DNS_CACHE_ENTRIES) known.delete(known.keys().next().value as string);
    let failed = false;
    const ask: DnsResolve = (name, rrtype) =>
      resolve(name, rrtype).catch((error: NodeJS.ErrnoException) => {
        if (!NO_ANSWER.has(error?.code ?? "")) failed = true;
        return [];
      });
    const entry = { expires: now() + DNS_CACHE_SECONDS * 1000, name: lookUp(ask, address) };
    known.set(address, entry);
    void entry.name.then(() => {
      if (failed && known.get(address) === entry) known.delete(address);
    });
    return entry.name;
  };
}

/** Answers that say there is no name (kept); anything else is a failure to ask again. */
const NO_ANSWER = new Set(["ENOTFOUND", "ENODATA"]);

async function lookUp(resolve: DnsResolve, address: string): Promise<string | null> {
  const query = reverseQueryName(address);
  if (!query) return null;
  const names = ((await resolve(query, "PTR")) as string[]).filter((n) => HOSTNAME.test(n));
  if (names.length === 0) return null;
  const family = isIPv4(address) ? "ipv4" : "ipv6";
  const self = new BlockList();
  self.addAddress(address, family);
  for (const name of names.slice(0, MAX_NAMES)) {
    const found = (await resolve(name, family === "ipv4" ? "A" : "AAAA")) as string[];
    if (found.some((a) => matches(self, a, family))) return name.replace(/\.$/, "").toLowerCase();
  }
  return null;
}

function matches(self: BlockList, candidate: unknown, family: "ipv4" | "ipv6"): boolean {
  try {
    return typeof candidate === "string" && self.check(candidate, family);
  } catch {
    return false;
  }
}
