// RFC 2449 §5 CAPA: what this session can do. Login capabilities (USER,
// SASL) appear only where a login would be accepted (over TLS or from
// loopback, session.ts), so a client that reads CAPA knows to send STLS
// first. §5 also says capabilities of the AUTHORIZATION state "MUST be
// announced in both states": the TRANSACTION list is the same but for STLS,
// which RFC 2595 §4 allows only in AUTHORIZATION, and the per-maildrop
// EXPIRE and LOGIN-DELAY values.
import type { Pop3Policy } from "./backend.ts";
import type { Pop3Session } from "./session.ts";

export function capabilities(session: Pop3Session): string[] {
  const lines = ["TOP", "UIDL"];
  if (session.mayLogIn) {
    // RFC 2449 §6.2 USER; §6.3 SASL with the mechanisms offered (RFC 5034).
    lines.push("USER", "SASL PLAIN");
  }
  // RFC 2449 §6.4 RESP-CODES; RFC 3206 §6 AUTH-RESP-CODE: every credential failure says [AUTH].
  lines.push("RESP-CODES", "AUTH-RESP-CODE");
  // RFC 2449 §6.6: commands may be sent without waiting; they are answered in order.
  lines.push("PIPELINING");
  lines.push(...policyLines(session));
  if (session.mayStartTls) lines.push("STLS"); // RFC 2595 §4
  lines.push("IMPLEMENTATION Yubin"); // RFC 2449 §6.9
  return lines;
}

// RFC 2449 §6.5 LOGIN-DELAY and §6.7 EXPIRE: before login the server-wide
// value, tagged USER when a maildrop may have another; after login, this
// maildrop's own, never tagged USER.
function policyLines(session: Pop3Session): string[] {
  const drop = session.maildrop;
  const policy: Pop3Policy = drop ? drop.policy : session.backend.policy;
  const tag = !drop && session.backend.policy.variesPerUser ? " USER" : "";
  const lines = [`EXPIRE ${policy.expire}${tag}`];
  if (policy.loginDelaySeconds !== null) lines.push(`LOGIN-DELAY ${policy.loginDelaySeconds}${tag}`);
  return lines;
}
