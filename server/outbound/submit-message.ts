// The one way mail leaves Yubin: submission (SMTP AUTH) and the web composer
// both end here. Checks that the session may send as the envelope, From and
// Sender addresses (among the mailboxes the gate granted it), holds the message for
// a reviewer when the author needs approval there (release-rule.ts), else
// completes and DKIM-signs the message, then in ONE transaction stores the
// sender's copy (Sent, or the shared mailbox's conversation), delivers to
// local recipients through the one write path and queues the rest. The
// caller answers 250 / "sent" only after this resolves.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { holdSubmission } from "../approval/hold-submission.ts";
import { mustHoldForApproval, type ReviewerRelease } from "../approval/release-rule.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { loadEnv } from "../env.ts";
import { type RecipientResolution, resolveRecipient } from "../mail-store/resolve-recipient.ts";
import { blobKey } from "../mail-store/store-blob.ts";
import type { StoreOutcome } from "../mail-store/store-copy.ts";
import { storeMessageTx } from "../mail-store/store-message.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { dkimKeyFor } from "./dkim-keys.ts";
import { dkimSignatureField } from "./dkim-sign.ts";
import { enqueueTx, recipientDomain } from "./enqueue.ts";
import { normalizeLineEndings } from "./line-endings.ts";
import { enqueueLocalRetryTx } from "./local-retry.ts";
import { newMessageId, prependFields, readHeader } from "./message-header.ts";
import { findSendAsMailboxes, type SendAsMailbox } from "./send-as.ts";

export interface SubmitInput {
  /** The author: the user whose session submits. */
  userId: number;
  /**
   * The mailboxes this session may send as, as the gate granted them
   * (mailboxesForLogin for a protocol login, authorizeMailbox on the web).
   */
  sendAs: readonly AuthorizedMailboxId[];
  /** The session's mailbox-scoped app password, kept with a held message so approval sends under the same grant. */
  scopeMailboxId?: number | null;
  /** RFC 5321 MAIL FROM reverse-path. */
  mailFrom: string;
  /** Envelope recipients (RCPT TO, or To/Cc/Bcc from the composer). */
  recipients: string[];
  raw: Buffer;
  /** Our host name, for Message-ID. */
  hostname: string;
  now?: Date;
  /**
   * Send-as answers already found for this transaction (submission checks
   * MAIL FROM before DATA, under the same scope), so they are not asked again.
   */
  checkedSendAs?: SendAsMailbox[];
  /** Recipients already resolved for this transaction (at RCPT TO); keys as given. */
  resolvedRecipients?: Map<string, RecipientResolution>;
  /**
   * Runs in the transaction that stores and queues the message, after both:
   * what it writes commits with the send or not at all; if it throws, nothing is sent.
   */
  withinTransaction?: SendHook;
  /** A reviewer approved this held message (approve-reply.ts): the release rule has had its say. */
  release?: ReviewerRelease;
}

/** See SubmitInput.withinTransaction. */
export type SendHook = (tx: RawSql, sent: { storedMessageId: number | null }) => Promise<void>;

/** Why a submission was refused, as an SMTP reply (RFC 3463 enhanced code). */
export interface SubmitRefusal {
  ok: false;
  code: number;
  enhanced: string;
  message: string;
}

export interface SubmitAccepted {
  ok: true;
  held: false;
  /** The sender's stored copy. */
  storedMessageId: number | null;
  conversationId: number | null;
  outboundMessageId: number | null;
  messageIdHeader: string;
  /** Local recipients whose mailbox no longer exists. (A full one waits in the queue for room: local-retry.ts.) */
  localFailures: string[];
}

/** Accepted, and waiting for a reviewer: nothing was stored as sent or queued. */
export interface SubmitHeld {
  ok: true;
  held: true;
  pendingReplyId: number;
  conversationId: number;
}

// RFC 6409 §6.1 / RFC 3463 X.7.1: the submitter is not authorised to use this address.
const notYours = (what: string, address: string): SubmitRefusal => ({
  ok: false,
  code: 553,
  enhanced: "5.7.1",
  message: `${what} <${address}> is not an address you may send as`,
});

export async function submitMessage(input: SubmitInput): Promise<SubmitAccepted | SubmitHeld | SubmitRefusal> {
  const now = input.now ?? new Date();
  let raw = normalizeLineEndings(input.raw);
  const header = readHeader(raw);
  // MAIL FROM and every From: and Sender: address, in one round trip (none
  // when MAIL FROM was just checked and From: is the same address, as it
  // nearly always is).
  const known = new Map((input.checkedSendAs ?? []).map((m) => [m.address, m]));
  const unchecked = [input.mailFrom, ...header.from, ...header.sender]
    .map((a) => a.trim().toLowerCase())
    .filter((a) => !known.has(a));
  if (unchecked.length > 0) {
    const found = await findSendAsMailboxes(input.sendAs, unchecked);
    for (const [address, mailbox] of found) known.set(address, mailbox);
  }
  const sendAs = (address: string) => known.get(address.trim().toLowerCase()) ?? null;
  const envelopeSender = sendAs(input.mailFrom);
  if (!envelopeSender) return notYours("Sender", input.mailFrom);

  const added: string[] = [];
  // RFC 6409 §8.1 permits completing what the client left out.
  if (header.from.length === 0) added.push(`From: <${envelopeSender.address}>`);
  for (const address of header.from) {
    if (!sendAs(address)) return notYours("From", address);
  }
  // A Sender: naming someone else would make their client say the mail came
  // on that person's behalf.
  for (const address of header.sender) {
    if (!sendAs(address)) return notYours("Sender header", address);
  }
  const fromAddress = header.from[0] ?? envelopeSender.address;
  const copyMailbox = sendAs(fromAddress) ?? envelopeSender;
  if (!input.release) {
    // Approval: the mailbox whose copy this is, then any other it is sent as.
    const sendingAs = [
      copyMailbox,
      envelopeSender,
      ...[...header.from, ...header.sender].flatMap((a) => sendAs(a) ?? []),
    ];
    for (const mailbox of new Map(sendingAs.map((m) => [m.mailboxId, m])).values()) {
      if (!(await mustHoldForApproval({ authorId: input.userId, mailboxId: mailbox.mailboxId }))) continue;
      const held = await holdSubmission({
        authorId: input.userId,
        mailboxId: mailbox.mailboxId,
        mailboxAddress: mailbox.address,
        raw: input.raw,
        mailFrom: input.mailFrom,
        recipients: input.recipients,
        scopeMailboxId: input.scopeMailboxId ?? null,
        now,
      });
      if (!held.ok) return held;
      return { ok: true, held: true, pendingReplyId: held.pendingReplyId, conversationId: held.conversationId };
    }
  }
  // RFC 6409 §8.3 Message-ID and §8.6 Date.
  const messageIdHeader = header.messageId ?? newMessageId(input.hostname);
  if (!header.messageId) added.push(`Message-ID: <${messageIdHeader}>`);
  if (!header.hasDate) added.push(`Date: ${now.toUTCString().replace(/GMT$/, "+0000")}`);
  raw = prependFields(raw, added);
  raw = await sign(raw, fromAddress, now);

  const local = new Map<number, string>();
  const remote: string[] = [];
  for (const recipient of new Set(input.recipients.map((r) => r.trim()).filter(Boolean))) {
    const resolved = input.resolvedRecipients?.get(recipient) ?? (await resolveRecipient(recipient));
    if (resolved.kind === "local") for (const id of resolved.mailboxIds) local.set(id, recipient);
    else if (resolved.kind === "full") local.set(resolved.mailboxId, recipient);
    else if (resolved.kind === "foreign") remote.push(recipient);
    else return { ok: false, code: 550, enhanced: "5.1.1", message: `No such user here: <${recipient}>` };
  }

  const parsed = await parseMessage(raw);
  try {
    return await sqlTransaction(async (tx) => {
      const [copy] = await storeMessageTx(
        tx,
        {
          raw,
          mailboxIds: [copyMailbox.mailboxId],
          direction: "outbound",
          folder: "Sent",
          flags: ["\\Seen"],
          internalDate: now,
        },
        parsed,
      );
      // The quota holds for the sender too: mail whose sent copy has no room is not sent at all.
      if (copy?.outcome === "over_quota") throw new SenderMailboxFull(copyMailbox.address);
      const delivered: StoreOutcome[] =
        local.size > 0
          ? await storeMessageTx(
              tx,
              { raw, mailboxIds: [...local.keys()], direction: "inbound", internalDate: now },
              parsed,
            )
          : [];
      const storedMessageId = copy && "messageId" in copy ? copy.messageId : null;
      if (copy?.outcome === "stored") await recordAuthorTx(tx, copy, input);
      // A stored copy means this transaction holds the blob already.
      const stored = copy?.outcome === "stored" || delivered.some((d) => d.outcome === "stored");
      // A full local mailbox: the copy waits for room in the queue, as the MX keeps it (local-retry.ts).
      const full = delivered.filter((d) => d.outcome === "over_quota");
      if (full.length > 0) {
        await enqueueLocalRetryTx(tx, {
          raw,
          mailFrom: input.mailFrom,
          recipients: full.map((d) => ({ address: local.get(d.mailboxId) ?? "", mailboxId: d.mailboxId })),
          messageIdHeader,
          reply: "452 4.2.2 Mailbox full",
          now,
          nextAttemptAt: new Date(now.getTime() + loadEnv().YUBIN_QUEUE_RETRY_MIN_SECONDS * 1000),
        });
      }
      const outboundMessageId = await enqueueTx(tx, {
        raw,
        storedBlobSha256: stored ? blobKey(raw) : undefined,
        mailFrom: input.mailFrom,
        recipients: remote,
        messageIdHeader,
        storedMessageId,
        now,
      });
      await input.withinTransaction?.(tx, { storedMessageId });
      return {
        ok: true as const,
        held: false as const,
        storedMessageId,
        conversationId: copy?.outcome === "stored" ? copy.conversationId : null,
        outboundMessageId,
        messageIdHeader,
        localFailures: delivered
          .filter((d) => d.outcome === "no_mailbox")
          .map((d) => local.get(d.mailboxId) ?? String(d.mailboxId)),
      };
    });
  } catch (error) {
    if (!(error instanceof SenderMailboxFull)) throw error;
    // RFC 3463 X.2.2 mailbox full; 452 so that a mail client keeps the message and retries.
    return {
      ok: false,
      code: 452,
      enhanced: "4.2.2",
      message: senderMailboxFullMessage(error.address),
    };
  }
}

/**
 * The sender's copy names its author ("Bob via Support"), and a copy that
 * joined a conversation says so in its history — unless a reviewer released
 * it, whose approval is that history entry (approve-reply.ts).
 */
async function recordAuthorTx(
  tx: RawSql,
  copy: { messageId: number; conversationId: number | null },
  input: SubmitInput,
): Promise<void> {
  await tx.$queryRaw`update "Message" set "authorId" = ${input.userId}::int where id = ${copy.messageId}::int`;
  if (copy.conversationId === null || input.release) return;
  await recordConversationAudit(tx, {
    actorId: input.userId,
    action: "reply.sent",
    conversationId: copy.conversationId,
    after: { messageId: copy.messageId },
  });
}

/** What the sender is told (the web shows it in the reader's language: app/i18n/error-text.ts). */
export function senderMailboxFullMessage(address: string): string {
  return `Your mailbox ${address} is full: there is no room for the sent copy. Delete some mail or ask an administrator for a larger quota.`;
}

class SenderMailboxFull extends Error {
  constructor(readonly address: string) {
    super(`mailbox ${address} is full`);
  }
}

/** Prepends a DKIM-Signature by the From domain's key, when that domain is ours and has one. */
async function sign(raw: Buffer, fromAddress: string, now: Date): Promise<Buffer> {
  const key = await dkimKeyFor(recipientDomain(fromAddress));
  if (!key) return raw;
  const field = dkimSignatureField(raw, key, now);
  return Buffer.concat([Buffer.from(field, "latin1"), raw]);
}
