// What an SMTP reply means, in plain words: the reply's code and RFC 3463
// enhanced status (and, where one status covers several reasons, the words
// Yubin itself sends) name one explanation; the admin page and `yubin trace`
// show its sentence in the reader's language (app/i18n/trace-messages.ts).
import type { TraceKind } from "./trace-record.ts";

export type ReplyExplanation =
  | "accepted"
  | "recipientOk"
  | "mailboxFull"
  | "unknownUser"
  | "relayDenied"
  | "tooBig"
  | "smuggling"
  | "loop"
  | "dmarcReject"
  | "authFailed"
  | "authThrottled"
  | "authRequired"
  | "tlsRequired"
  | "senderNotAllowed"
  | "tooManyConnections"
  | "tooManyRecipients"
  | "badSyntax"
  | "badSequence"
  | "storageFailed"
  | "systemFull"
  | "hostNotFound"
  | "nullMx"
  | "connectFailed"
  | "connectionLost"
  | "expired"
  | "policyRefused"
  | "temporaryInbound"
  | "temporaryOutbound"
  | "permanentInbound"
  | "permanentOutbound";

export type CheckName = "spf" | "dkim" | "dmarc" | "arc";

/** The RFC 3463 status at the start of a reply's text ("550 5.1.1 …"), or null. */
export function enhancedStatusOf(reply: string): string | null {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ?? null;
}

/**
 * `final`: the reply that settled the transaction (a 2xx then means the
 * message was accepted, not just one step of it).
 */
export function explainReply(code: number, reply: string, kind: TraceKind, final = true): ReplyExplanation {
  const status = enhancedStatusOf(reply) ?? "";
  const [, subject = "", detail = ""] = status.split(".");
  const outbound = kind === "delivery";
  if (code < 400) return final ? "accepted" : "recipientOk";
  // RFC 3463 X.2.2 mailbox full; 552 was the old code for it at RCPT (RFC 5321 §4.5.3.1.10).
  if (subject === "2" && detail === "2") return "mailboxFull";
  if (subject === "1" && detail === "1") return "unknownUser";
  if (subject === "1" && detail === "2") return "hostNotFound";
  if (subject === "1" && detail === "10") return "nullMx";
  if (subject === "3" && detail === "4") return "tooBig";
  if (subject === "3" && detail === "1") return "systemFull";
  if (code === 552 && !status) return "tooBig";
  if (/smuggling/i.test(reply)) return "smuggling";
  if (subject === "4" && detail === "0" && /loop/i.test(reply)) return "loop";
  if (subject === "4" && detail === "7") return "expired";
  if (subject === "4" && detail === "1") return "connectFailed";
  if (subject === "4" && detail === "2") return "connectionLost";
  if (subject === "5" && detail === "3") return "tooManyRecipients";
  if (code === 535 || (subject === "7" && detail === "8")) return "authFailed";
  if (code === 454 && /login|auth/i.test(reply)) return "authThrottled";
  if (code === 530) return "authRequired";
  if (code === 538) return "tlsRequired";
  if (subject === "7" && /relay/i.test(reply)) return "relayDenied";
  if (subject === "7" && /DMARC/.test(reply)) return "dmarcReject";
  if (subject === "7" && /send as|null sender/i.test(reply)) return "senderNotAllowed";
  if (code === 421 && /too many connections/i.test(reply)) return "tooManyConnections";
  if (code === 501 || code === 500) return "badSyntax";
  if (code === 503) return "badSequence";
  if (!outbound && (status === "4.3.0" || (code === 451 && !status))) return "storageFailed";
  if (subject === "7") return "policyRefused";
  if (code < 500) return outbound ? "temporaryOutbound" : "temporaryInbound";
  return outbound ? "permanentOutbound" : "permanentInbound";
}

const CHECK_RESULTS = {
  spf: ["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "other"],
  dkim: ["pass", "fail", "none", "temperror", "permerror", "other"],
  dmarc: ["pass", "fail", "none", "temperror", "permerror", "other"],
  arc: ["pass", "fail", "none", "other"],
} as const;

type CheckResults = typeof CHECK_RESULTS;
export type CheckExplanation = {
  [C in CheckName]: `${C}.${CheckResults[C][number]}`;
}[CheckName];

/** The words for one authentication check's result, e.g. "spf.fail"; "spf.other" for a result without words of its own. */
export function explainCheck(check: CheckName, result: string): CheckExplanation {
  const known = (CHECK_RESULTS[check] as readonly string[]).includes(result) && result !== "other";
  return `${check}.${known ? result : "other"}` as CheckExplanation;
}
