// A DNS resolver for mailauth (SPF, DKIM, DMARC, ARC) that always answers in
// bounded time. mailauth maps ETIMEOUT/EREFUSED to temperror (RFC 7208 §2.6.6,
// RFC 6376 §6.1.2), which is what an unreachable resolver should produce; left
// to c-ares defaults (5 s × 4 tries per query) it would stall the SMTP client.
import { Resolver } from "node:dns/promises";
import { DNS_QUERY_TIMEOUT_MS } from "../../server/limits.ts";

/** mailauth's resolver shape: `dns.promises.resolve(name, rrtype)`. */
export type DnsResolve = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/**
 * `servers` like ["127.0.0.1:5353"] (YUBIN_DNS_SERVERS); omitted means the
 * system resolvers from /etc/resolv.conf.
 */
export function createDnsResolver(servers?: string[], timeoutMs = DNS_QUERY_TIMEOUT_MS): DnsResolve {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return (name, rrtype) =>
    withDeadline(resolver.resolve(name, rrtype) as Promise<string[][] | string[]>, timeoutMs, name);
}

/**
 * Wraps a resolver so that, once `budgetMs` has passed, every further query
 * fails at once with ETIMEOUT: one message's checks cannot exceed the budget by
 * more than one query, however many lookups a hostile SPF record chains.
 */
export function withBudget(resolve: DnsResolve, budgetMs: number): DnsResolve {
  const deadline = Date.now() + budgetMs;
  return (name, rrtype) => {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(timeoutError(name));
    return withDeadline(resolve(name, rrtype), left, name);
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(name)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function timeoutError(name: string): Error & { code: string } {
  return Object.assign(new Error(`DNS query for ${name} timed out`), { code: "ETIMEOUT" });
}
