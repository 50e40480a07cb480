// The DNS records an operator publishes for a local domain, as data: the web
// page shows each with a copy button, `yubin domain show` prints them as zone
// lines, and the domain check compares what DNS answers with them.
//
// Required: MX (RFC 5321 §5.1) pointing at this host, SPF (RFC 7208) that
// lets the MX hosts send, the signing DKIM key (RFC 6376 §3.6.2) and a DMARC
// policy (RFC 7489 §6.1). Optional: MTA-STS (RFC 8461 §3.1) and TLS-RPT
// (RFC 8460 §3). During a DKIM rotation the new key's record is listed to be
// added, and retired keys stay listed until an admin removes them.

export type RecordKind = "mx" | "spf" | "dkim" | "dmarc" | "mta-sts" | "tls-rpt";

/**
 * required: mail fails or is doubted without it; optional: hardening;
 * dkim-next: a rotation's new key, to publish now; dkim-retired: a former key,
 * keep published until mail signed with it has been delivered and read.
 */
export type RecordRole = "required" | "optional" | "dkim-next" | "dkim-retired";

export interface ExpectedRecord {
  kind: RecordKind;
  role: RecordRole;
  /** Owner name without the trailing dot, e.g. "_dmarc.example.com". */
  name: string;
  type: "MX" | "TXT";
  /** The record data exactly as to publish (TXT: the whole string, unsplit). */
  value: string;
  /** The same as one zone-file line. */
  zoneLine: string;
  /** DKIM only. */
  selector?: string;
  /** DKIM only: the key's base64 SubjectPublicKeyInfo (the p= value). */
  publicKey?: string;
}

export interface DomainKeys {
  name: string;
  dkimSelector: string | null;
  dkimPublicKey: string | null;
  dkimNextSelector: string | null;
  dkimNextPublicKey: string | null;
  retired: { selector: string; publicKey: string }[];
}

/** TXT character-strings are at most 255 octets (RFC 1035 §3.3.14): longer values are split for zone files. */
function txtData(value: string): string {
  const chunks = value.match(/.{1,250}/g) ?? [""];
  return chunks.length === 1 ? `"${chunks[0]}"` : `( ${chunks.map((c) => `"${c}"`).join(" ")} )`;
}

function txt(kind: RecordKind, role: RecordRole, name: string, value: string): ExpectedRecord {
  return { kind, role, name, type: "TXT", value, zoneLine: `${name}.\tTXT\t${txtData(value)}` };
}

export function dkimValue(publicKey: string): string {
  return `v=DKIM1; k=rsa; p=${publicKey}`;
}

function dkim(domain: string, role: RecordRole, selector: string, publicKey: string): ExpectedRecord {
  return { ...txt("dkim", role, `${selector}._domainkey.${domain}`, dkimValue(publicKey)), selector, publicKey };
}

export function expectedRecords(domain: DomainKeys, mailHostname: string): ExpectedRecord[] {
  const name = domain.name;
  const host = mailHostname.replace(/\.$/, "").toLowerCase();
  const records: ExpectedRecord[] = [
    { kind: "mx", role: "required", name, type: "MX", value: `10 ${host}.`, zoneLine: `${name}.\tMX\t10 ${host}.` },
    txt("spf", "required", name, "v=spf1 mx -all"),
  ];
  if (domain.dkimSelector && domain.dkimPublicKey) {
    records.push(dkim(name, "required", domain.dkimSelector, domain.dkimPublicKey));
  }
  if (domain.dkimNextSelector && domain.dkimNextPublicKey) {
    records.push(dkim(name, "dkim-next", domain.dkimNextSelector, domain.dkimNextPublicKey));
  }
  for (const old of domain.retired) records.push(dkim(name, "dkim-retired", old.selector, old.publicKey));
  records.push(
    txt("dmarc", "required", `_dmarc.${name}`, `v=DMARC1; p=quarantine; rua=mailto:postmaster@${name}`),
    // The policy id changes whenever the policy file does (RFC 8461 §3.1); the file itself is served
    // at https://mta-sts.DOMAIN/.well-known/mta-sts.txt by whatever serves that name.
    txt("mta-sts", "optional", `_mta-sts.${name}`, "v=STSv1; id=1"),
    txt("tls-rpt", "optional", `_smtp._tls.${name}`, `v=TLSRPTv1; rua=mailto:postmaster@${name}`),
  );
  return records;
}

/** The records as zone-file lines, required first (what `yubin domain add|show` prints). */
export function zoneText(records: ExpectedRecord[]): string {
  const label: Record<RecordRole, string> = {
    required: "",
    optional: "\t; optional",
    "dkim-next": "\t; new DKIM key: publish now, Yubin switches to it when a check finds it",
    "dkim-retired": "\t; former DKIM key: keep until you remove it",
  };
  return records.map((r) => `${r.zoneLine}${label[r.role]}`).join("\n");
}
