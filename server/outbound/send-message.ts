// Sending from the web app (the composer): the caller names the mailbox it
// sends as and the message in structured fields (or a ready raw message).
// The Message-ID carries the conversation token (reply-token.ts) so that
// the customer's answer threads back. Everything else — send-as check, DKIM,
// the sender's copy and the queue in one transaction — is submitMessage's.
import addressparser from "nodemailer/lib/addressparser/index.js";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { AuthorizedMailboxId } from "../access/gate.ts";
import type { ReviewerRelease } from "../approval/release-rule.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { outboundMessageId } from "../threading/reply-token.ts";
import { type DeliveryStatus, deliveryStatus } from "./delivery-status.ts";
import { type SendHook, submitMessage } from "./submit-message.ts";

export interface SendMessageInput {
  actorId: number;
  /** The mailbox it is sent as, authorised for the actor by the gate. */
  fromMailboxId: AuthorizedMailboxId;
  /** Our host name (Message-ID). */
  hostname: string;
  /** Addresses, or header text such as "Name <a@b>, c@d". */
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  text?: string;
  html?: string;
  inReplyTo?: string;
  references?: string[];
  /** The conversation this message answers; its id goes into the Message-ID. */
  conversationId?: number;
  attachments?: { filename: string; content: Buffer; contentType?: string }[];
  now?: Date;
  /** Written in the sending transaction (submit-message.ts). */
  withinTransaction?: SendHook;
  /** Set only when a reviewer approved this held reply (approve-reply.ts). */
  release?: ReviewerRelease;
}

export interface SentMessage {
  messageId: number | null;
  conversationId: number | null;
  messageIdHeader: string;
  delivery: DeliveryStatus | null;
  /** Set when the message was held for a reviewer instead (submit-message.ts): nothing left. */
  pendingReplyId: number | null;
}

export async function sendMessage(input: SendMessageInput): Promise<SentMessage> {
  const mailbox = await db().mailbox.findUniqueOrThrow({
    where: { id: input.fromMailboxId },
    select: { address: true, displayName: true },
  });
  // Entries may be header text ("Name <a@b>, c@d"); the envelope takes the bare addresses.
  const recipients = addressparser([...input.to, ...(input.cc ?? []), ...(input.bcc ?? [])].join(", "), {
    flatten: true,
  })
    .map((r) => r.address.trim())
    .filter(Boolean);
  if (recipients.length === 0) throw new InputError("a message needs at least one recipient");
  const now = input.now ?? new Date();
  const messageIdHeader = input.conversationId ? outboundMessageId(input.conversationId, input.hostname) : undefined;
  const composer = new MailComposer({
    from: { name: mailbox.displayName, address: mailbox.address },
    to: input.to,
    cc: input.cc,
    // Bcc recipients are envelope-only: the composer leaves the field out.
    subject: input.subject ?? "",
    text: input.text,
    html: input.html,
    inReplyTo: input.inReplyTo ? `<${input.inReplyTo.replace(/^<|>$/g, "")}>` : undefined,
    references: input.references?.map((r) => `<${r.replace(/^<|>$/g, "")}>`),
    messageId: messageIdHeader ? `<${messageIdHeader}>` : undefined,
    date: now,
    attachments: input.attachments,
  });
  const raw = await composer.compile().build();
  const result = await submitMessage({
    userId: input.actorId,
    sendAs: [input.fromMailboxId],
    mailFrom: mailbox.address,
    recipients,
    raw,
    hostname: input.hostname,
    now,
    withinTransaction: input.withinTransaction,
    release: input.release,
  });
  if (!result.ok) throw new InputError(result.message);
  if (result.held) {
    return {
      messageId: null,
      conversationId: result.conversationId,
      messageIdHeader: "",
      delivery: null,
      pendingReplyId: result.pendingReplyId,
    };
  }
  return {
    messageId: result.storedMessageId,
    conversationId: result.conversationId,
    messageIdHeader: result.messageIdHeader,
    delivery: result.storedMessageId ? await deliveryStatus(result.storedMessageId) : null,
    pendingReplyId: null,
  };
}
