// The one write path (DESIGN.md "Rules"): SMTP delivery, IMAP APPEND, the
// connector and mail sent from the web all store mail here. For every target
// mailbox, in ONE transaction: the content-addressed blob, the message, its
// folder entry (UID from the folder's UIDNEXT), exact usage counters and the
// conversation. The caller acknowledges only after this resolves. The steps
// for one mailbox are in store-in-mailbox.ts.

import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { type ParsedMessage, parseMessage } from "../mime/parse-message.ts";
import { enqueueTx } from "../outbound/enqueue.ts";
import { claimQuotaNotice } from "../quotas/quota-warning.ts";
import type { MailboxState } from "./mailbox-state.ts";
import { blobKey } from "./store-blob.ts";
import type { StoreCopy, StoreOutcome } from "./store-copy.ts";
import { storeInMailbox, type ThreadMatch } from "./store-in-mailbox.ts";

export interface StoreMessageInput {
  raw: Buffer;
  mailboxIds: number[];
  direction: "inbound" | "outbound";
  /** Folder name; INBOX by default. */
  folder?: string;
  flags?: string[];
  /** Authentication verdicts (SPF, DKIM, DMARC, ARC) as JSON. */
  authResults?: Record<string, unknown>;
  /**
   * Failed DMARC where the From domain asks for quarantine (mx-server.ts): the
   * message starts a conversation of its own with status spam, never joining
   * an existing one — a forged "reply" must not slip into a real thread.
   */
  quarantine?: boolean;
  internalDate?: Date;
  /** A quota notice: stored even into a full mailbox (store-copy.ts). */
  bypassQuota?: boolean;
}

export async function storeMessage(input: StoreMessageInput, parsed?: ParsedMessage): Promise<StoreOutcome[]> {
  const message = parsed ?? (await parseMessage(input.raw));
  const mailboxIds = [...new Set(input.mailboxIds)];
  if (mailboxIds.length === 1) {
    // One mailbox, the usual case: its write is a single statement, atomic on
    // its own and committed by PostgreSQL as it finishes, with no COMMIT round
    // trip while the mailbox's INBOX row is locked.
    return [
      await storeCopy(sql, {
        ...input,
        ...sharedFields(input),
        storeBlob: true,
        message,
        mailboxId: mailboxIds[0] as number,
      }),
    ];
  }
  return sqlTransaction((tx) => storeMessageTx(tx, input, message));
}

/** What every mailbox's copy shares: the blob's key and the arrival time. */
export function sharedFields(input: StoreMessageInput) {
  return { blobSha256: blobKey(input.raw), now: input.internalDate ?? new Date() };
}

/**
 * The same, inside the caller's transaction, for callers that must commit
 * more in the same step (outbound mail: the sender's copy, local recipients
 * and the delivery queue together). The caller parses before opening it.
 * `preRead`: for a message into one mailbox, its state as readMailboxStates
 * read it for a whole batch earlier in this transaction (the connector's),
 * which saves a round trip per message.
 */
export async function storeMessageTx(
  tx: RawSql,
  input: StoreMessageInput,
  message: ParsedMessage,
  preRead?: MailboxState | null,
): Promise<StoreOutcome[]> {
  const mailboxIds = [...new Set(input.mailboxIds)].sort((a, b) => a - b);
  const shared = sharedFields(input);
  const outcomes: StoreOutcome[] = [];
  for (const mailboxId of mailboxIds) {
    // The bytes travel with the first copy stored; the others share the blob.
    const storeBlob = !outcomes.some((o) => o.outcome === "stored");
    const state = mailboxIds.length === 1 ? preRead : undefined;
    outcomes.push(await storeCopy(tx, { ...input, ...shared, mailboxId, storeBlob, message }, state));
  }
  return outcomes;
}

/** One mailbox's copy; when it crossed a quota warning threshold, the notice goes out in the same step. */
export async function storeCopy(
  tx: RawSql,
  copy: StoreCopy,
  preRead?: MailboxState | null,
  threaded?: ThreadMatch,
): Promise<StoreOutcome> {
  const { quotaCrossed, ...outcome } = await storeInMailbox(tx, copy, preRead, threaded);
  if (quotaCrossed) await deliverQuotaNotice(tx, { mailboxId: copy.mailboxId, now: copy.now });
  return outcome;
}

/**
 * Claims a quota warning crossing of the mailbox (quotas/quota-warning.ts)
 * and delivers its notice to the owner or members: into their mailboxes here
 * (even a full one), or by mail from the null reverse-path, like a DSN, so a
 * notice never bounces back into a loop. Returns the threshold noticed, or
 * null when there was nothing to claim (another delivery did, or no crossing).
 */
export async function deliverQuotaNotice(tx: RawSql, input: { mailboxId: number; now: Date }): Promise<number | null> {
  const notice = await claimQuotaNotice(tx, input);
  if (notice === null) return null;
  if (notice.localMailboxIds.length > 0) {
    await storeMessageTx(
      tx,
      {
        raw: notice.raw,
        mailboxIds: notice.localMailboxIds,
        direction: "inbound",
        internalDate: input.now,
        bypassQuota: true,
      },
      await parseMessage(notice.raw),
    );
  }
  if (notice.remoteRecipients.length > 0) {
    await enqueueTx(tx, {
      raw: notice.raw,
      mailFrom: "",
      recipients: notice.remoteRecipients,
      messageIdHeader: null,
      now: input.now,
    });
  }
  return notice.level;
}
