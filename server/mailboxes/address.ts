// Canonical forms of domain names and mail addresses as Yubin stores them:
// lower case, domains in ASCII (IDNA A-labels).
import { domainToASCII } from "node:url";
import { InputError } from "../errors.ts";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// RFC 5322 §3.2.3 dot-atom; quoted local parts are not accepted for mailboxes we create.
const LOCAL_PART = /^[a-z0-9!#$&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$&'*+/=?^_`{|}~-]+)*$/;

export function normalizeDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, "");
  const ascii = domainToASCII(trimmed.toLowerCase());
  // RFC 1035 §2.3.4: 255 octets in all, 63 per label.
  if (!ascii || ascii.length > 253 || !ascii.split(".").every((label) => LABEL.test(label))) {
    throw new InputError(`"${input}" is not a valid domain name`);
  }
  return ascii;
}

export function normalizeAddress(input: string): { address: string; localPart: string; domain: string } {
  const trimmed = input.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) throw new InputError(`"${input}" is not a valid email address`);
  const localPart = trimmed.slice(0, at).toLowerCase();
  // RFC 5321 §4.5.3.1.1: at most 64 octets in the local part.
  if (localPart.length > 64 || !LOCAL_PART.test(localPart)) {
    throw new InputError(`"${input}" is not a valid email address`);
  }
  let domain: string;
  try {
    domain = normalizeDomain(trimmed.slice(at + 1));
  } catch {
    throw new InputError(`"${input}" is not a valid email address`);
  }
  return { address: `${localPart}@${domain}`, localPart, domain };
}
