// A small answer cache in front of a resolver, as every MTA has through its
// local caching resolver: mail from one domain repeats the same SPF, DKIM and
// DMARC lookups. Answers and "no such name / no data" are kept briefly;
// timeouts and server failures are never cached.
import { DNS_CACHE_ENTRIES } from "../../server/limits.ts";
import type { DnsResolve } from "./dns-resolver.ts";

/** How long an answer is reused. Node's resolver does not report TTLs for TXT, so this stays short. */
export const DNS_CACHE_SECONDS = 60;

const CACHEABLE_ERRORS = new Set(["ENOTFOUND", "ENODATA"]);

type Entry = { expires: number; answer?: string[][] | string[]; error?: Error };

export function withDnsCache(resolve: DnsResolve, now: () => number = Date.now): DnsResolve {
  const cache = new Map<string, Entry>();
  return async (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      if (hit.error) throw hit.error;
      return hit.answer as string[][] | string[];
    }
    cache.delete(key);
    const remember = (entry: Omit<Entry, "expires">) => {
      if (cache.size >= DNS_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, { ...entry, expires: now() + DNS_CACHE_SECONDS * 1000 });
    };
    try {
      const answer = await resolve(name, rrtype);
      remember({ answer });
      return answer;
    } catch (e) {
      if (CACHEABLE_ERRORS.has((e as NodeJS.ErrnoException).code ?? "")) remember({ error: e as Error });
      throw e;
    }
  };
}
