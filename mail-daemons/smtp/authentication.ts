// Sender authentication of an inbound message with mailauth: SPF (RFC 7208),
// DKIM (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617), summarised as one
// Authentication-Results field (RFC 8601) and as verdicts for the backend.
import { authenticate, type DMARCResult } from "mailauth";
import { dmarc } from "mailauth/lib/dmarc/index.js";
import { AUTH_CHECK_BUDGET_MS } from "../../server/limits.ts";
import { type DnsResolve, withBudget } from "../shared/dns-resolver.ts";
import type { AuthResult, AuthVerdicts } from "./mx-backend.ts";

export interface AuthInput {
  raw: Buffer;
  mailFrom: string | null;
  remoteAddress: string;
  helo: string;
  /** RFC 8601 §2.5 authserv-id: our own hostname. */
  hostname: string;
  resolve: DnsResolve;
}

export async function checkSenderAuthentication(input: AuthInput): Promise<AuthVerdicts> {
  const resolver = withBudget(input.resolve, AUTH_CHECK_BUDGET_MS);
  const result = await authenticate(input.raw, {
    ip: input.remoteAddress,
    helo: input.helo,
    // mailauth checks postmaster@helo for the null reverse-path (RFC 7208 §2.4).
    sender: input.mailFrom ?? undefined,
    mta: input.hostname,
    resolver,
    // BIMI is a display hint, not a verdict; it would cost extra lookups.
    disableBimi: true,
  });
  const dmarcResult = result.dmarc || (await strictestDmarc(result, resolver));
  return {
    spf: keyword(result.spf ? result.spf.status.result : "none"),
    dkim: result.dkim.results
      .filter((row) => row.signingDomain)
      .map((row) => ({
        domain: row.signingDomain,
        selector: row.selector ?? "",
        aligned: Boolean(row.status.aligned),
        result: keyword(row.status.result),
      })),
    dmarc: dmarcResult
      ? {
          result: keyword(dmarcResult.status.result),
          policy: dmarcResult.policy ? String(dmarcResult.policy).toLowerCase() : null,
          // RFC 7489 §6.3: pct defaults to 100.
          pct: typeof dmarcResult.pct === "number" ? dmarcResult.pct : 100,
          fromDomain: dmarcResult.domain ?? null,
        }
      : { result: "none", policy: null, pct: 100, fromDomain: null },
    arc: keyword(result.arc ? result.arc.status.result : "none"),
    header: authenticationResultsField(result.headers),
  };
}

type Authenticated = Awaited<ReturnType<typeof authenticate>>;

/**
 * mailauth evaluates DMARC only for a message with exactly one From address;
 * with several (in one field or in several fields) it reports nothing, and a
 * forger could slip past p=reject by adding a second address. RFC 7489 §6.6.1
 * lets the receiver apply the strictest policy among the From domains: each
 * is evaluated with the same SPF and DKIM results, and the one that fails
 * with the strictest policy stands. No From address at all stays "none".
 */
async function strictestDmarc(result: Authenticated, resolve: DnsResolve): Promise<DMARCResult | false> {
  const from = (result.dkim as { headerFrom?: string[] }).headerFrom ?? [];
  const domains = [...new Set(from.map((address) => address.split("@").pop()?.toLowerCase() ?? ""))].filter(Boolean);
  if (domains.length < 2) return false;
  const spfDomains = result.spf && result.spf.status.result === "pass" && result.spf.domain ? [result.spf.domain] : [];
  const dkimDomains = result.dkim.results
    .filter((row) => row.status.result === "pass" && row.signingDomain)
    .map((row) => ({ domain: row.signingDomain, aligned: Boolean(row.status.aligned) }));
  const rank = (r: DMARCResult) =>
    r.status.result !== "fail" ? 0 : r.policy === "reject" ? 3 : r.policy === "quarantine" ? 2 : 1;
  let strictest: DMARCResult | false = false;
  for (const domain of domains) {
    const r = await dmarc({ headerFrom: `x@${domain}`, spfDomains, dkimDomains, resolver: resolve });
    if (r && (!strictest || rank(r) > rank(strictest))) strictest = r;
  }
  return strictest;
}

// mailauth returns Received-SPF and Authentication-Results together; only the
// latter is kept, it already carries the SPF result.
function authenticationResultsField(headers: string): string {
  const start = headers.search(/^Authentication-Results:/m);
  const field = start === -1 ? "" : headers.slice(start);
  return field.endsWith("\r\n") ? field : `${field}\r\n`;
}

function keyword(result: string): AuthResult {
  if (result === "temperr") return "temperror";
  if (result === "skipped") return "none";
  return result as AuthResult;
}

/**
 * RFC 8601 §5: Authentication-Results fields that already claim our
 * authserv-id did not come from us — a sender forging "dkim=pass" for a
 * reader or filter downstream (IMAP clients, rules) to trust. They are
 * removed from the header section before we add our own; fields of other
 * authserv-ids and every other byte are kept as received. Returns the same
 * buffer when there is nothing to remove.
 */
export function withoutForgedAuthResults(raw: Buffer, hostname: string): Buffer {
  const end = raw.indexOf("\r\n\r\n");
  const headerEnd = end === -1 ? raw.length : end + 2;
  const header = raw.subarray(0, headerEnd).toString("latin1");
  if (!/^authentication-results[ \t]*:/im.test(header)) return raw;
  const ours = hostname.toLowerCase();
  // One field: its first line and any continuation lines (starting with WSP), each ending in CRLF.
  const fields = header.match(/[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*|[^\r\n]+$/g) ?? [];
  const kept = fields.filter((field) => {
    const m = /^authentication-results[ \t]*:(.*)$/is.exec(field);
    return !m || authservId(m[1] as string) !== ours;
  });
  if (kept.length === fields.length) return raw;
  return Buffer.concat([Buffer.from(kept.join(""), "latin1"), raw.subarray(headerEnd)]);
}

/** The authserv-id of an Authentication-Results value (RFC 8601 §2.2): the first token after any CFWS. */
function authservId(value: string): string {
  let rest = value.replace(/\r\n/g, "");
  // Leading whitespace and (possibly nested) comments.
  for (;;) {
    rest = rest.replace(/^[ \t]+/, "");
    if (!rest.startsWith("(")) break;
    let depth = 0;
    let i = 0;
    for (; i < rest.length; i++) {
      if (rest[i] === "\\") i++;
      else if (rest[i] === "(") depth++;
      else if (rest[i] === ")" && --depth === 0) break;
    }
    rest = rest.slice(i + 1);
  }
  return (/^[^\s;()]+/.exec(rest)?.[0] ?? "").toLowerCase();
}
