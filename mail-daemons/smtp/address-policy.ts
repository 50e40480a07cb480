// Syntax policy for RCPT TO forward-paths, applied before any lookup, so that
// no routing trick ever reaches the backend and no malformed address costs a
// database query. Pure: the raw path in, a verdict out.
//
// Relay tricks are refused with 554 5.7.1 (RFC 3463 "delivery not authorized")
// even when the final domain is ours: an unauthenticated MX accepts only local
// recipients (DESIGN.md "No open relay"), and every one of these forms asks a
// host to forward the mail somewhere else.
import { isIPv4, isIPv6 } from "node:net";
import { MAX_DOMAIN_OCTETS, MAX_LOCAL_PART_OCTETS, MAX_PATH_OCTETS } from "../../server/limits.ts";
import type { SmtpRefusal } from "./mx-backend.ts";

export type PathVerdict = { ok: true; address: string } | SmtpRefusal;

// RFC 5322 §3.2.3 atext, widened to UTF-8 by RFC 6531 §3.3 (SMTPUTF8).
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+$/u;
// RFC 5321 §4.1.2 Domain, with U-labels allowed by RFC 6531 §3.3.
const LABEL = /^(?!-)[A-Za-z0-9\u0080-\u{10FFFF}-]{1,63}(?<!-)$/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\x00-\x1f\x7f]/;

const relayDenied = (why: string): SmtpRefusal => ({
  ok: false,
  code: 554,
  enhanced: "5.7.1",
  message: `Relay denied: ${why}`,
});

const malformed = (why: string): SmtpRefusal => ({
  ok: false,
  code: 501,
  enhanced: "5.1.3",
  message: `Bad recipient address syntax: ${why}`,
});

/** `path` is what the client wrote between "<" and ">" in RCPT TO. */
export function checkForwardPath(path: string): PathVerdict {
  if (CONTROL.test(path)) return malformed("control character");
  if (path === "") return malformed("empty");
  // RFC 5321 §3.6.1 and Appendix C: a source route asks us to relay to the
  // hosts it lists; servers "MAY decline to support the relaying they imply".
  if (/^@[^:]*:/.test(path)) return relayDenied("source routes are not accepted");
  // RFC 5321 §4.1.1.3: the bare "Postmaster" recipient must be accepted.
  if (/^postmaster$/i.test(path)) return { ok: true, address: "postmaster" };
  if (Buffer.byteLength(path) > MAX_PATH_OCTETS) return malformed("too long");

  // "host!user" and "user%host" with no domain at all still name another host.
  if (!path.includes("@") && /[%!]/.test(path)) return relayDenied("routing characters in address");
  const split = splitLocalPart(path);
  if (!split.ok) return split;
  const { local, quoted, domain } = split;
  // The %-hack (RFC 1123 §5.2.16) and UUCP bang paths (RFC 976) route through
  // the local part; a second "@" does the same for naive splitters.
  if (/[@%!]/.test(local)) {
    return relayDenied(quoted ? "routing characters in quoted local part" : "routing characters in local part");
  }
  if (Buffer.byteLength(local) > MAX_LOCAL_PART_OCTETS) return malformed("local part too long");
  if (!quoted && !local.split(".").every((atom) => ATOM.test(atom))) return malformed("local part");
  if (!isDomain(domain)) return malformed("domain");
  // A quoted local part is written back quoted, its quotes and backslashes
  // escaped again (RFC 5321 §4.1.2 quoted-pairSMTP), so the address given on
  // is itself a valid path (tests/fuzz/smtp-commands.test.ts).
  const written = quoted ? `"${local.replace(/["\\]/g, "\\$&")}"` : local;
  return { ok: true, address: `${written}@${domain.toLowerCase()}` };
}

type Split = { ok: true; local: string; quoted: boolean; domain: string } | SmtpRefusal;

function splitLocalPart(path: string): Split {
  if (path.startsWith('"')) {
    // RFC 5321 §4.1.2 Quoted-string: qtextSMTP or a backslash-quoted pair.
    let local = "";
    for (let i = 1; i < path.length; i++) {
      const ch = path[i] as string;
      if (ch === "\\") {
        const next = path[i + 1];
        if (next === undefined) break;
        local += next;
        i++;
      } else if (ch === '"') {
        const rest = path.slice(i + 1);
        if (!rest.startsWith("@")) return malformed("text after quoted local part");
        const domain = rest.slice(1);
        if (domain.includes("@")) return relayDenied("more than one @");
        return { ok: true, local, quoted: true, domain };
      } else {
        local += ch;
      }
    }
    return malformed("unterminated quoted local part");
  }
  const at = path.lastIndexOf("@");
  if (at <= 0) return malformed("no local part or domain");
  return { ok: true, local: path.slice(0, at), quoted: false, domain: path.slice(at + 1) };
}

function isDomain(domain: string): boolean {
  if (domain === "" || Buffer.byteLength(domain) > MAX_DOMAIN_OCTETS) return false;
  // RFC 5321 §4.1.3 address literals.
  if (domain.startsWith("[")) {
    const inner = domain.match(/^\[(.*)\]$/)?.[1];
    if (inner === undefined) return false;
    return /^ipv6:/i.test(inner) ? isIPv6(inner.slice(5)) : isIPv4(inner);
  }
  return domain.split(".").every((label) => LABEL.test(label));
}
