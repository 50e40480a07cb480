// One record's check result in English words, for the CLI (the web page words
// the same problem codes in the reader's language, app/i18n "domains.problem.*").
import type { RecordCheck } from "./evaluate-record.ts";
import type { RecordKind, RecordRole } from "./expected-records.ts";

export const KIND_LABELS: Record<RecordKind, string> = {
  mx: "MX",
  spf: "SPF",
  dkim: "DKIM",
  dmarc: "DMARC",
  "mta-sts": "MTA-STS",
  "tls-rpt": "TLS-RPT",
};

export const ROLE_LABELS: Record<RecordRole, string> = {
  required: "required",
  optional: "optional",
  "dkim-next": "new key",
  "dkim-retired": "former key",
};

export function describeRecordCheck(r: RecordCheck): string {
  const found = r.found.join(" | ");
  switch (r.problem) {
    case null:
      if (r.kind === "dmarc" && r.params.policy === "none") return "found, matches (p=none: reports only)";
      return "found, matches";
    case "nxdomain":
      return `${r.name} does not exist in DNS (NXDOMAIN)`;
    case "missing":
      return r.role === "dkim-next" ? "not published yet: add this record" : "missing";
    case "timeout":
      return "no answer from the DNS server in time";
    case "dns_error":
      return `the DNS server failed (${r.params.code})`;
    case "mx_elsewhere":
      return `MX points elsewhere: ${r.params.found}`;
    case "mx_null":
      return 'null MX ("."): the domain says it takes no mail';
    case "spf_no_host":
      return `SPF found but does not include this host (${r.params.expected}): ${found}`;
    case "spf_multiple":
      return "more than one SPF record: receivers treat that as an error";
    case "dkim_key_differs":
      return "DKIM record found but its key differs";
    case "dkim_revoked":
      return "DKIM record found with an empty key (revoked)";
    case "dmarc_no_policy":
      return `DMARC record found without a valid p= policy: ${found}`;
    case "dmarc_multiple":
      return "more than one DMARC record: receivers ignore them all";
    case "malformed":
      return `found but not valid: ${found}`;
  }
}
