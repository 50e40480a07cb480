// Records what one delivery attempt of a job achieved, per recipient
// (RFC 5321 §4.2.1: 2yz done, 4yz try again later, 5yz never), and decides
// what follows: retry with backoff, or settle the job and tell the sender
// with a DSN — all in one transaction, so a crash after it loses nothing and
// a crash before it repeats only this attempt.
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { type RecipientResolution, resolveRecipient } from "../mail-store/resolve-recipient.ts";
import { storeMessageTx } from "../mail-store/store-message.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { buildDsn, type DsnRecipient } from "./dsn.ts";
import { enqueueTx } from "./enqueue.ts";
import type { RecipientStatus } from "./queue-types.ts";
import { type QueuePolicy, retryDelaySeconds } from "./retry-policy.ts";

export interface RecipientResult {
  address: string;
  /** SMTP reply code, or 4xx/5xx we chose (unreachable host, null MX). */
  code: number;
  /** RFC 3463 status; derived from the code when the server gave none. */
  status?: string;
  reply: string;
  remoteMta?: string;
}

export interface AttemptInput {
  jobId: number;
  /** The job's envelope sender ("" for <>), who gets any DSN. */
  mailFrom: string;
  results: RecipientResult[];
  policy: QueuePolicy;
  hostname: string;
  now: Date;
  /**
   * The job's recipients as the worker claimed them. When every pending one
   * was delivered, the result is written in one statement that applies only
   * if the row still holds exactly these (else the locking path below runs).
   */
  expected?: RecipientStatus[];
}

export type JobState = "deferred" | "delivered" | "bounced" | "expired" | "gone";

/** What the attempt settled, for the log and the message trace. */
export interface AttemptOutcome {
  state: JobState;
  /** This attempt's number (1 for the first). */
  attempt: number;
  /** When the next attempt is due, while recipients are still pending. */
  nextAttemptAt: Date | null;
  /** The delivery status notification sent to the sender now, if one was. */
  dsn: { messageId: string; action: "failed" | "delayed" } | null;
}

export async function recordAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  if (input.expected && input.results.length > 0 && input.results.every((r) => r.code < 400)) {
    const attempt = await recordDelivered(input, input.expected);
    if (attempt !== null) return { state: "delivered", attempt, nextAttemptAt: null, dsn: null };
  }
  // Where a DSN would go is looked up before the transaction opens (it uses
  // another pooled connection); only attempts that did not fully succeed can need one.
  const dsnRoute =
    input.mailFrom !== "" && input.results.some((r) => r.code >= 400) ? await resolveRecipient(input.mailFrom) : null;
  return sqlTransaction((tx) => recordAttemptTx(tx, input, dsnRoute));
}

/** The job's recipients after this attempt (RFC 5321 §4.2.1), and those that failed for good now. */
function mergeResults(
  current: RecipientStatus[],
  results: RecipientResult[],
): { recipients: RecipientStatus[]; failedNow: DsnRecipient[] } {
  const byAddress = new Map(results.map((r) => [r.address.toLowerCase(), r]));
  const failedNow: DsnRecipient[] = [];
  const recipients: RecipientStatus[] = current.map((r) => {
    if (r.state !== "pending") return r;
    const result = byAddress.get(r.address.toLowerCase());
    if (!result) return r;
    const status = result.status ?? `${String(result.code)[0]}.0.0`;
    // A local retry's mailbox and disposition stay with the recipient (local-retry.ts).
    const base = { ...r, reply: result.reply, status, remoteMta: result.remoteMta };
    if (result.code < 400) return { ...base, state: "delivered" };
    if (result.code >= 500) {
      failedNow.push({
        address: r.address,
        action: "failed",
        status,
        diagnostic: result.reply,
        remoteMta: result.remoteMta,
      });
      return { ...base, state: "bounced" };
    }
    return { ...base, state: "pending" };
  });
  return { recipients, failedNow };
}

/**
 * The common case in one statement, without a transaction: every pending
 * recipient was delivered, so there is no DSN, retry or delay notice to
 * decide. Applies only while the job is still open and its recipients are
 * unchanged since the claim; false means "take the locking path".
 */
async function recordDelivered(input: AttemptInput, expected: RecipientStatus[]): Promise<number | null> {
  const { recipients } = mergeResults(expected, input.results);
  if (recipients.some((r) => r.state === "pending") || !recipients.some((r) => r.state === "delivered")) return null;
  const lastReply = (input.results.at(-1) as RecipientResult).reply.slice(0, 1000);
  const rows = await sql.$queryRaw<{ id: number; attempts: number }[]>`
    update "DeliveryJob" set state = 'delivered', recipients = ${JSON.stringify(recipients)}::jsonb,
      attempts = attempts + 1, "lastAttemptAt" = ${input.now}, "lastReply" = ${lastReply},
      "nextAttemptAt" = ${input.now}, "leaseOwner" = null, "leaseUntil" = null, "updatedAt" = now()
    where id = ${input.jobId} and state in ('queued', 'deferred') and recipients = ${JSON.stringify(expected)}::jsonb
    returning id, attempts`;
  return rows[0]?.attempts ?? null;
}

interface LockedJob {
  id: number;
  recipients: RecipientStatus[];
  attempts: number;
  createdAt: Date;
  delayNoticeAt: Date | null;
  lastReply: string | null;
  mailFrom: string;
  messageIdHeader: string | null;
  blobSha256: string;
}

async function recordAttemptTx(
  tx: RawSql,
  input: AttemptInput,
  dsnRoute: RecipientResolution | null,
): Promise<AttemptOutcome> {
  const { policy, now } = input;
  const [job] = await tx.$queryRaw<LockedJob[]>`
    select j.id, j.recipients, j.attempts, j."createdAt", j."delayNoticeAt", j."lastReply",
      o."mailFrom", o."messageIdHeader", o."blobSha256"
    from "DeliveryJob" j
    join "OutboundMessage" o on o.id = j."outboundMessageId"
    where j.id = ${input.jobId} and j.state in ('queued', 'deferred')
    for update of j`;
  // Dropped by an operator, or settled by another worker after our lease ran out.
  if (!job) return { state: "gone", attempt: 0, nextAttemptAt: null, dsn: null };
  const { recipients, failedNow } = mergeResults(job.recipients, input.results);

  const ageSeconds = (now.getTime() - job.createdAt.getTime()) / 1000;
  const expired = ageSeconds >= policy.lifetimeSeconds;
  for (const [i, r] of recipients.entries()) {
    if (r.state === "pending" && expired) {
      // RFC 3463 X.4.7: delivery time expired.
      failedNow.push({
        address: r.address,
        action: "failed",
        status: "4.4.7",
        diagnostic: r.reply,
        remoteMta: r.remoteMta,
      });
      recipients[i] = { ...r, state: "expired", status: "4.4.7" };
    }
  }
  const pending = recipients.filter((r) => r.state === "pending");
  const state: JobState =
    pending.length > 0
      ? "deferred"
      : recipients.some((r) => r.state === "delivered")
        ? "delivered"
        : recipients.some((r) => r.state === "expired")
          ? "expired"
          : "bounced";

  const dsnBase = {
    tx,
    route: dsnRoute,
    hostname: input.hostname,
    sender: job.mailFrom,
    // The original's bytes are read only when a DSN is actually built.
    original: async () => {
      const [blob] = await tx.$queryRaw<{ bytes: Uint8Array }[]>`
        select bytes from "Blob" where sha256 = ${job.blobSha256}`;
      return Buffer.from((blob as { bytes: Uint8Array }).bytes);
    },
    originalMessageId: job.messageIdHeader,
    arrivalDate: job.createdAt,
    now,
  };
  let dsn: AttemptOutcome["dsn"] = null;
  if (failedNow.length > 0) {
    const messageId = await sendDsn({ ...dsnBase, recipients: failedNow });
    if (messageId) dsn = { messageId, action: "failed" };
  }
  let delayNoticeAt = job.delayNoticeAt;
  if (
    pending.length > 0 &&
    !delayNoticeAt &&
    policy.delayNoticeSeconds > 0 &&
    ageSeconds >= policy.delayNoticeSeconds
  ) {
    delayNoticeAt = now;
    const messageId = await sendDsn({
      ...dsnBase,
      recipients: pending.map((r) => ({
        address: r.address,
        action: "delayed",
        status: r.status ?? "4.0.0",
        diagnostic: r.reply,
        remoteMta: r.remoteMta,
      })),
      retryUntil: new Date(job.createdAt.getTime() + policy.lifetimeSeconds * 1000),
    });
    if (messageId && !dsn) dsn = { messageId, action: "delayed" };
  }

  const attempts = job.attempts + 1;
  const last = input.results.at(-1);
  const lastReply = last ? last.reply.slice(0, 1000) : job.lastReply;
  const nextAttemptAt = pending.length > 0 ? new Date(now.getTime() + retryDelaySeconds(attempts, policy) * 1000) : now;
  await tx.$queryRaw`
    update "DeliveryJob" set state = ${state}::"DeliveryState", recipients = ${JSON.stringify(recipients)}::jsonb,
      attempts = ${attempts}, "lastAttemptAt" = ${now}, "lastReply" = ${lastReply}, "nextAttemptAt" = ${nextAttemptAt},
      "leaseOwner" = null, "leaseUntil" = null, "delayNoticeAt" = ${delayNoticeAt}, "updatedAt" = now()
    where id = ${job.id}`;
  return { state, attempt: attempts, nextAttemptAt: pending.length > 0 ? nextAttemptAt : null, dsn };
}

/**
 * RFC 3464 §2 / RFC 5321 §6.1: never a DSN about a message with the null
 * reverse-path (that is how bounce loops are prevented). A local sender gets
 * it through the one write path; a remote one through the queue, from <>.
 */
async function sendDsn(input: {
  tx: RawSql;
  route: RecipientResolution | null;
  hostname: string;
  sender: string;
  original: () => Promise<Buffer>;
  originalMessageId: string | null;
  arrivalDate: Date;
  recipients: DsnRecipient[];
  retryUntil?: Date;
  now: Date;
}): Promise<string | null> {
  if (input.sender === "" || !input.route) return null;
  const dsn = buildDsn({
    hostname: input.hostname,
    to: input.sender,
    original: await input.original(),
    originalMessageId: input.originalMessageId,
    arrivalDate: input.arrivalDate,
    recipients: input.recipients,
    retryUntil: input.retryUntil,
    now: input.now,
  });
  const resolved = input.route;
  if (resolved.kind === "local" || resolved.kind === "full") {
    const parsed = await parseMessage(dsn.raw);
    await storeMessageTx(
      input.tx,
      {
        raw: dsn.raw,
        mailboxIds: resolved.kind === "local" ? resolved.mailboxIds : [resolved.mailboxId],
        direction: "inbound",
        internalDate: input.now,
      },
      parsed,
    );
  } else if (resolved.kind === "foreign") {
    await enqueueTx(input.tx, {
      raw: dsn.raw,
      mailFrom: "",
      recipients: [input.sender],
      messageIdHeader: dsn.messageId,
      now: input.now,
    });
  } else return null;
  return dsn.messageId;
}
