// Mail from the MX for its accepted recipients, stored through the one write
// path, with the quota rule applied per recipient. A recipient whose mailbox
// has no room when the message arrives (it may have filled since RCPT) is
// never silently dropped: when the message was stored for at least one other
// recipient, that copy waits in the queue for room (server/outbound/local-retry.ts)
// and counts as accepted; when nobody got it, the MX refuses the whole
// transaction (452 4.2.2) and the sender retries, so nothing is lost either way.
// A recipient mailbox that blocked the sender (server/senders/sender-rules.ts) gets it as spam.
import { sql } from "../db/raw-sql.ts";
import { loadEnv } from "../env.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { enqueueLocalRetryTx } from "../outbound/local-retry.ts";
import { blockedMailboxes } from "../senders/sender-rules.ts";
import { storeMessage } from "./store-message.ts";

export interface InboundRecipient {
  address: string;
  mailboxId: number;
  /** Failed DMARC with a quarantine disposition: stored as spam (store-message.ts). */
  quarantine: boolean;
}

export type InboundOutcome = "stored" | "duplicate" | "queued" | "over_quota" | "no_mailbox";

export interface InboundResult {
  address: string;
  mailboxId: number;
  outcome: InboundOutcome;
  /** The stored message (or the one a duplicate matched) and its conversation, for the message trace. */
  messageId?: number;
  conversationId?: number;
}

export async function deliverInbound(input: {
  raw: Buffer;
  /** The envelope sender, "" for <>: who hears of a queued copy that never gets in. */
  mailFrom: string;
  recipients: InboundRecipient[];
  authResults?: Record<string, unknown>;
  now?: Date;
}): Promise<InboundResult[]> {
  const now = input.now ?? new Date();
  const parsed = await parseMessage(input.raw);
  const blocked = await blockedMailboxes(sql, {
    mailboxIds: input.recipients.filter((r) => !r.quarantine).map((r) => r.mailboxId),
    from: parsed.fromAddress,
    envelopeFrom: input.mailFrom,
  });
  const spam = (r: InboundRecipient) => r.quarantine || blocked.has(r.mailboxId);
  const store = (quarantine: boolean) => {
    const mailboxIds = input.recipients.filter((r) => spam(r) === quarantine).map((r) => r.mailboxId);
    if (mailboxIds.length === 0) return [];
    return storeMessage(
      {
        raw: input.raw,
        mailboxIds,
        direction: "inbound",
        authResults: input.authResults,
        internalDate: now,
        // Spam for the web (conversation status), Junk with $Junk (RFC 5788) for IMAP clients.
        ...(quarantine ? { quarantine, folder: "Junk", flags: ["$Junk"] } : {}),
      },
      parsed,
    );
  };
  // Usually one of the two is empty. When both are not, a failure of the
  // second makes the client retry and the first recognises its duplicate.
  const results = [...(await store(false)), ...(await store(true))];
  const byMailbox = new Map(results.map((r) => [r.mailboxId, r]));
  const outcomes = input.recipients.map((r) => {
    const stored = byMailbox.get(r.mailboxId);
    return {
      ...r,
      outcome: (stored?.outcome ?? "no_mailbox") as InboundOutcome,
      messageId: stored && "messageId" in stored ? stored.messageId : undefined,
      conversationId: stored && "conversationId" in stored ? stored.conversationId : undefined,
    };
  });
  const full = outcomes.filter((o) => o.outcome === "over_quota");
  const delivered = outcomes.some((o) => o.outcome === "stored" || o.outcome === "duplicate");
  if (full.length > 0 && delivered) {
    const retryMinSeconds = loadEnv().YUBIN_QUEUE_RETRY_MIN_SECONDS;
    await enqueueLocalRetryTx(sql, {
      raw: input.raw,
      mailFrom: input.mailFrom,
      recipients: [...new Map(full.map((o) => [o.mailboxId, o])).values()],
      messageIdHeader: null,
      reply: "452 4.2.2 Mailbox full",
      now,
      nextAttemptAt: new Date(now.getTime() + retryMinSeconds * 1000),
    });
    for (const o of full) o.outcome = "queued";
  }
  return outcomes.map(({ address, mailboxId, outcome, messageId, conversationId }) => ({
    address,
    mailboxId,
    outcome,
    ...(messageId !== undefined && outcome !== "queued" ? { messageId } : {}),
    ...(conversationId !== undefined && outcome !== "queued" ? { conversationId } : {}),
  }));
}
