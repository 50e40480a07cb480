// The message trace of one delivery attempt: where it went (the MX host and
// address, TLS), what the remote answered for each recipient, and what the
// queue decided (delivered, the next retry, or the bounce and its DSN).
import type { ClaimedJob } from "../../server/outbound/claim-jobs.ts";
import type { AttemptOutcome, RecipientResult } from "../../server/outbound/record-attempt.ts";
import { messageHeadline } from "../../server/trace/message-headline.ts";
import type { TraceRecord, TraceResult } from "../../server/trace/trace-record.ts";

export interface AttemptRoute {
  /** The MX (or smarthost) name and the address connected to; none when no connection was made. */
  host?: string;
  address?: string;
  tls?: { version: string | null; cipher: string | null } | null;
  /** A copy waiting for room in a local mailbox (server/outbound/local-retry.ts): no SMTP at all. */
  local?: boolean;
  /** A connection was made (else the attempt ended at the MX lookup or the connect). */
  connected?: boolean;
}

/** A reply as the trace keeps it: with its code and RFC 3463 status in front, as a server's own reply has them. */
function replyLine(r: RecipientResult): string {
  if (/^\d{3}[ -]/.test(r.reply)) return r.reply;
  return `${r.code} ${r.status ?? `${String(r.code)[0]}.0.0`} ${r.reply}`;
}

const RESULTS: Record<Exclude<AttemptOutcome["state"], "gone">, TraceResult> = {
  delivered: "delivered",
  deferred: "deferred",
  bounced: "bounced",
  expired: "bounced",
};

export function attemptTrace(input: {
  job: ClaimedJob;
  results: RecipientResult[];
  outcome: AttemptOutcome;
  route: AttemptRoute;
  heloName: string;
  startedAt: Date;
  endedAt: Date;
}): TraceRecord | null {
  const { job, results, outcome, route } = input;
  if (outcome.state === "gone") return null;
  const result = RESULTS[outcome.state];
  // The reply that says why: the first one of the outcome's kind.
  const settling =
    (result === "delivered" ? results.find((r) => r.code < 400) : results.find((r) => r.code >= 400)) ?? results[0];
  const headline = messageHeadline(job.raw);
  return {
    kind: "delivery",
    result,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    sessionId: `job ${job.id}`,
    helo: route.local ? null : input.heloName,
    tlsVersion: route.tls?.version ?? null,
    tlsCipher: route.tls?.cipher ?? null,
    mailFrom: job.mailFrom,
    recipients: results.map((r) => ({ address: r.address, code: r.code, reply: replyLine(r) })),
    size: job.raw.length,
    reply: settling ? { code: settling.code, text: replyLine(settling) } : null,
    messageIdHeader: headline.messageIdHeader,
    subject: headline.subject,
    outboundMessageId: job.outboundMessageId,
    deliveryJobId: job.id,
    attempt: outcome.attempt,
    remoteHost: route.host ?? null,
    remoteAddress: route.address ?? null,
    nextAttemptAt: outcome.nextAttemptAt,
    dsnMessageId: outcome.dsn?.messageId ?? null,
    notes: [
      ...(outcome.state === "expired" ? (["expired"] as const) : []),
      ...(route.local ? (["local"] as const) : route.connected ? [] : (["no_connection"] as const)),
    ],
  };
}
