// Sender authentication of an inbound message with mailauth: SPF (RFC 7208),
// DKIM (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617), summarised as one
// Authentication-Results field (RFC 8601) and as verdicts for the backend.
import { authenticate } from "mailauth";
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
  const result = await authenticate(input.raw, {
    ip: input.remoteAddress,
    helo: input.helo,
    // mailauth checks postmaster@helo for the null reverse-path (RFC 7208 §2.4).
    sender: input.mailFrom ?? undefined,
    mta: input.hostname,
    resolver: withBudget(input.resolve, AUTH_CHECK_BUDGET_MS),
    // BIMI is a display hint, not a verdict; it would cost extra lookups.
    disableBimi: true,
  });
  const dmarc = result.dmarc;
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
    dmarc: dmarc
      ? { result: keyword(dmarc.status.result), policy: dmarc.policy ?? null, fromDomain: dmarc.domain ?? null }
      : { result: "none", policy: null, fromDomain: null },
    arc: keyword(result.arc ? result.arc.status.result : "none"),
    header: authenticationResultsField(result.headers),
  };
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
