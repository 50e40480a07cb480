// Compares what DNS answered for one expected record with what Yubin needs
// there. Pure, so each record state is testable without a resolver. The
// verdict carries a problem code (and its parameters) rather than a sentence:
// the CLI words it in English (describe-check.ts), the web page in the
// reader's language.

import type { Lookup } from "./dns-lookup.ts";
import type { ExpectedRecord } from "./expected-records.ts";

export type CheckState = "matches" | "differs" | "missing" | "timeout" | "error";

export type Problem =
  | "nxdomain"
  | "missing"
  | "timeout"
  | "dns_error"
  | "mx_elsewhere"
  | "mx_null"
  | "spf_no_host"
  | "spf_multiple"
  | "dkim_key_differs"
  | "dkim_revoked"
  | "dmarc_no_policy"
  | "dmarc_multiple"
  | "malformed";

export interface RecordCheck extends ExpectedRecord {
  state: CheckState;
  /** Why it is not "matches"; null when it is. */
  problem: Problem | null;
  /** Values for the problem's wording (e.g. { found: "mx.other.net" }). */
  params: Record<string, string>;
  /** What DNS answered for this name and type (the relevant records only). */
  found: string[];
}

type Verdict = Pick<RecordCheck, "state" | "problem" | "params" | "found">;

const ok = (found: string[]): Verdict => ({ state: "matches", problem: null, params: {}, found });
const differs = (problem: Problem, found: string[], params: Record<string, string> = {}): Verdict => ({
  state: "differs",
  problem,
  params,
  found,
});

/** Tags of a DKIM/DMARC/MTA-STS/TLS-RPT record (RFC 6376 §3.2): "k=v; k=v", whitespace around them ignored. */
export function tags(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ""));
  }
  return out;
}

const hostOf = (name: string) => name.replace(/\.$/, "").toLowerCase();

export function evaluateRecord(expected: ExpectedRecord, lookup: Lookup, mailHostname: string): RecordCheck {
  return { ...expected, ...verdict(expected, lookup, hostOf(mailHostname)) };
}

function verdict(expected: ExpectedRecord, lookup: Lookup, host: string): Verdict {
  if (lookup.status === "timeout") return { state: "timeout", problem: "timeout", params: {}, found: [] };
  if (lookup.status === "error") {
    return { state: "error", problem: "dns_error", params: { code: lookup.code }, found: [] };
  }
  if (lookup.status === "nxdomain") {
    // For the domain itself that means it is not in DNS at all; for _dmarc.… and the like, only that
    // the record is not there.
    const problem = expected.name.includes("_") ? "missing" : "nxdomain";
    return { state: "missing", problem, params: { name: expected.name }, found: [] };
  }
  const data = lookup.status === "answer" ? lookup.data : [];
  switch (expected.kind) {
    case "mx":
      return mx(data, host);
    case "spf":
      return spf(data, expected.name, host);
    case "dkim":
      return dkim(data, expected.publicKey ?? "");
    case "dmarc":
      return dmarc(data);
    case "mta-sts":
      return versioned(data, "STSv1", (t) => Boolean(t.get("id")));
    case "tls-rpt":
      return versioned(data, "TLSRPTv1", (t) => Boolean(t.get("rua")));
  }
}

const missing = (): Verdict => ({ state: "missing", problem: "missing", params: {}, found: [] });

function mx(data: string[], host: string): Verdict {
  if (data.length === 0) return missing();
  const exchanges = data.map((d) => hostOf(d.slice(d.indexOf(" ") + 1)));
  // RFC 7505: a single MX of "." (resolvers report an empty exchange) says the domain takes no mail.
  if (exchanges.every((e) => e === "")) return differs("mx_null", data);
  if (exchanges.includes(host)) return ok(data);
  return differs("mx_elsewhere", data, { found: exchanges.filter(Boolean).join(", "), expected: host });
}

/**
 * Whether the SPF record lets this host send, judged from its mechanisms
 * (RFC 7208 §5): `mx` (the domain's MX is this host, the MX record is
 * checked beside it), `mx:`/`a:`/`include:` naming this host or the domain,
 * or a bare `a` when the domain is itself the host. Mechanisms reached only
 * through include: or redirect= of other domains are not followed.
 */
function spf(data: string[], domain: string, host: string): Verdict {
  const records = data.filter((d) => /^v=spf1(\s|$)/i.test(d));
  if (records.length === 0) return missing();
  // RFC 7208 §4.5: more than one SPF record is a permerror for every receiver.
  if (records.length > 1) return differs("spf_multiple", records);
  const record = records[0] as string;
  const terms = record.split(/\s+/).slice(1);
  const allows = terms.some((term) => {
    const t = term.replace(/^[+]/, "").toLowerCase();
    if (t.startsWith("-") || t.startsWith("~") || t.startsWith("?")) return false;
    const [mechanism = "", target] = t.split(/[:/]/, 2);
    const names = [host, domain];
    if (mechanism === "mx") return target === undefined || names.includes(hostOf(target));
    if (mechanism === "a") return target === undefined ? domain === host : names.includes(hostOf(target));
    if (mechanism === "include") return target !== undefined && hostOf(target) === host;
    return false;
  });
  return allows ? ok(records) : differs("spf_no_host", records, { expected: host });
}

function dkim(data: string[], publicKey: string): Verdict {
  const records = data.filter((d) => /(^|;)\s*p\s*=/i.test(d) || /^v=DKIM1/i.test(d));
  if (records.length === 0) return data.length ? differs("malformed", data) : missing();
  const keys = records.map((r) => tags(r).get("p") ?? "");
  if (keys.includes(publicKey)) return ok(records);
  // RFC 6376 §3.6.1: an empty p= means the key has been revoked.
  if (keys.every((k) => k === "")) return differs("dkim_revoked", records);
  return differs("dkim_key_differs", records);
}

function dmarc(data: string[]): Verdict {
  const records = data.filter((d) => /^v\s*=\s*DMARC1/i.test(d));
  if (records.length === 0) return data.length ? differs("malformed", data) : missing();
  // RFC 7489 §6.6.3: more than one record means no DMARC policy at all.
  if (records.length > 1) return differs("dmarc_multiple", records);
  const policy = tags(records[0] as string)
    .get("p")
    ?.toLowerCase();
  if (!policy || !["none", "quarantine", "reject"].includes(policy)) return differs("dmarc_no_policy", records);
  return { ...ok(records), params: { policy } };
}

function versioned(data: string[], version: string, complete: (t: Map<string, string>) => boolean): Verdict {
  const records = data.filter((d) => tags(d).get("v")?.toLowerCase() === version.toLowerCase());
  if (records.length === 0) return data.length ? differs("malformed", data) : missing();
  return records.length === 1 && complete(tags(records[0] as string)) ? ok(records) : differs("malformed", records);
}
