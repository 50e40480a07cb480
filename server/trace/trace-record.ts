// What one trace records: an SMTP transaction at the MX or at submission
// (refused or not), or one attempt of the delivery queue. The protocol
// daemons fill it in as the transaction goes; trace-writer.ts stores it.

export type TraceKind = "mx" | "submission" | "delivery";

/** delivered: accepted (inbound) or handed over (outbound); abandoned: the client left before any answer settled it. */
export type TraceResult = "delivered" | "rejected" | "deferred" | "bounced" | "abandoned";

export const TRACE_RESULTS: readonly TraceResult[] = ["delivered", "rejected", "deferred", "bounced", "abandoned"];

/** One recipient and the reply it got (RCPT TO, or for a delivery the remote's answer for it). */
export interface TraceRecipient {
  address: string;
  code: number;
  /** The whole reply line, e.g. "550 5.1.1 No such user here". */
  reply: string;
}

/**
 * One command and the reply it got, or a reply alone (the greeting, a final
 * DATA reply); `at` in ms from the record's start (negative for what came
 * before MAIL FROM on the same connection: the greeting, EHLO, STARTTLS, AUTH).
 */
export interface TraceStep {
  at: number;
  command?: string;
  reply?: string;
}

export interface TraceAuthVerdicts {
  spf: string;
  /** The overall DKIM result: pass when any signature passed, else the first signature's result, "none" when unsigned. */
  dkim: string;
  dmarc: string;
  arc: string;
  /** What the story shows besides: signing domains, the From domain and its policy. */
  dkimDomains?: string[];
  dmarcPolicy?: string | null;
  fromDomain?: string | null;
}

export interface TraceRecord {
  kind: TraceKind;
  result: TraceResult;
  startedAt: Date;
  endedAt: Date;
  sessionId: string;
  clientAddress?: string | null;
  clientName?: string | null;
  helo?: string | null;
  tlsVersion?: string | null;
  tlsCipher?: string | null;
  authUser?: string | null;
  /** "" for the null sender <>; null when no MAIL FROM came. */
  mailFrom?: string | null;
  recipients: TraceRecipient[];
  size?: number | null;
  reply?: { code: number; text: string } | null;
  auth?: TraceAuthVerdicts | null;
  messageIdHeader?: string | null;
  subject?: string | null;
  messageIds?: number[];
  conversationIds?: number[];
  outboundMessageId?: number | null;
  deliveryJobId?: number | null;
  attempt?: number | null;
  remoteHost?: string | null;
  remoteAddress?: string | null;
  nextAttemptAt?: Date | null;
  dsnMessageId?: string | null;
  steps?: TraceStep[];
  /** Steps left out beyond TRACE_MAX_STEPS. */
  droppedSteps?: number;
  /** Facts the story tells that have no column. */
  notes?: TraceNote[];
}

/**
 * queued_for_room: accepted, but one mailbox was full and its copy waits in
 * the queue for room; quarantined: failed DMARC, stored as spam; duplicate:
 * the same message was already stored (a client's retry); held_for_approval:
 * a submission waiting for a reviewer; expired: the queue gave up on it;
 * no_connection: a delivery attempt that reached no server; local: a
 * delivery attempt into a local mailbox (a copy that waited for room).
 */
export type TraceNote =
  | "queued_for_room"
  | "quarantined"
  | "duplicate"
  | "held_for_approval"
  | "expired"
  | "no_connection"
  | "local";

/** Where finished traces go: the process's writer, or a test's array. Never throws, never waits. */
export type TraceSink = (record: TraceRecord) => void;
