// The client's reverse DNS name for the message trace, only when it is
// forward-confirmed (the PTR name resolves back to the client's address, as
// FCrDNS checks do): anyone controls the PTR record of their own addresses,
// so an unconfirmed name would let a client claim to be whoever it likes.
import { BlockList, isIPv4, isIPv6 } from "node:net";
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

export function confirmedReverseName(resolve: DnsResolve): (address: string) => Promise<string | null> {
  return async (address) => {
    const query = reverseQueryName(address);
    if (!query) return null;
    const names = ((await resolve(query, "PTR").catch(() => [])) as string[]).filter((n) => HOSTNAME.test(n));
    const family = isIPv4(address) ? "ipv4" : "ipv6";
    const self = new BlockList();
    self.addAddress(address, family);
    for (const name of names.slice(0, MAX_NAMES)) {
      const found = (await resolve(name, family === "ipv4" ? "A" : "AAAA").catch(() => [])) as string[];
      if (found.some((a) => matches(self, a, family))) return name.replace(/\.$/, "").toLowerCase();
    }
    return null;
  };
}

function matches(self: BlockList, candidate: unknown, family: "ipv4" | "ipv6"): boolean {
  try {
    return typeof candidate === "string" && self.check(candidate, family);
  } catch {
    return false;
  }
}
