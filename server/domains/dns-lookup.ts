// DNS lookups for the domain check, through YUBIN_DNS_SERVERS when set (else
// the system resolvers), each answered in bounded time and reduced to what the
// check needs: the data, or why there is none. (mail-daemons/shared has the
// resolver the MX uses; server/ cannot import it, and this one needs the
// reason for a missing answer rather than mailauth's shape.)
import { Resolver } from "node:dns/promises";
import { DNS_QUERY_TIMEOUT_MS } from "../limits.ts";

export type LookupType = "MX" | "TXT";

/**
 * answer: data (MX as "10 mx.example.com", TXT strings joined per record);
 * nodata: the name exists without such records; nxdomain: no such name;
 * timeout: no answer in time; error: the resolver failed (code given).
 */
export type Lookup =
  | { status: "answer"; data: string[] }
  | { status: "nodata" }
  | { status: "nxdomain" }
  | { status: "timeout" }
  | { status: "error"; code: string };

export type LookupFn = (name: string, type: LookupType) => Promise<Lookup>;

/** `servers` as YUBIN_DNS_SERVERS gives them ("127.0.0.1:5353, 10.0.0.2"); empty: the system's. */
export function parseDnsServers(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

export function createLookup(servers: string[], timeoutMs = DNS_QUERY_TIMEOUT_MS): LookupFn {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length > 0) resolver.setServers(servers);
  return async (name, type) => {
    let timer: NodeJS.Timeout | undefined;
    // c-ares retries each server; a deadline of our own keeps one lookup bounded whatever the list.
    const deadline = new Promise<Lookup>((resolve) => {
      timer = setTimeout(() => resolve({ status: "timeout" }), timeoutMs + 500);
    });
    const query = (async (): Promise<Lookup> => {
      try {
        if (type === "MX") {
          const answers = await resolver.resolveMx(name);
          return { status: "answer", data: answers.map((a) => `${a.priority} ${a.exchange}`) };
        }
        const answers = await resolver.resolveTxt(name);
        return { status: "answer", data: answers.map((strings) => strings.join("")) };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "EUNKNOWN";
        if (code === "ENOTFOUND") return { status: "nxdomain" };
        if (code === "ENODATA") return { status: "nodata" };
        if (code === "ETIMEOUT" || code === "ECONNREFUSED") return { status: "timeout" };
        return { status: "error", code };
      }
    })();
    try {
      return await Promise.race([query, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
