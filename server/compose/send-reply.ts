// Sending from a conversation (Reply, Reply all, Forward in the browser): the
// shared mailbox is the sender, the threading headers come from the stored
// message (reply-draft.ts), and everything else — send-as, DKIM, the copy in
// this conversation and the queue in one transaction — is sendMessage's.

import type { AuthorizedMailboxId } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_RECIPIENTS } from "../limits.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { extractAttachment } from "../mime/extract-attachment.ts";
import { type SentMessage, sendMessage } from "../outbound/send-message.ts";
import type { SendHook } from "../outbound/submit-message.ts";
import { formatAddressList, type ListedAddress, parseAddressList } from "./address-list.ts";
import { composeHtml } from "./compose-html.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES } from "./compose-limits.ts";
import { type ComposeMode, draftWithSource } from "./reply-draft.ts";

export interface ComposedReply {
  actorId: number;
  mailboxId: AuthorizedMailboxId;
  /** The message answered or forwarded. */
  messageId: number;
  mode: ComposeMode;
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  text: string;
  /** Simple rich text from the composer; sent as the HTML alternative of `text` after compose-html.ts. */
  html?: string;
  attachments: { filename: string; contentType?: string; content: Buffer }[];
  /** Forward: indexes of the original's attachments to carry along. */
  forwardAttachments?: number[];
  hostname: string;
  now?: Date;
  /**
   * Stale-send guard: the newest message id of the conversation when the
   * composer opened. A newer message (a customer's reply or another agent's)
   * holds the send with a conflict unless confirmNewActivity is set.
   */
  seenMessageId?: number;
  confirmNewActivity?: boolean;
  /** Written in the sending transaction (submit-message.ts): commits with the send or not at all. */
  withinTransaction?: SendHook;
}

export const NEW_ACTIVITY_MESSAGE = "New activity since you started — review and send";

function addresses(field: string | undefined, label: string): ListedAddress[] {
  const parsed = parseAddressList(field ?? "");
  if (!parsed.ok) throw new InputError(`${label}: "${parsed.bad}" is not an email address`);
  return parsed.list;
}

export async function sendReply(input: ComposedReply): Promise<SentMessage> {
  const found = await draftWithSource({ mailboxId: input.mailboxId, messageId: input.messageId, mode: input.mode });
  if (!found) throw new InputError("no such message", "not_found");
  const { draft, blobSha256 } = found;
  if (input.seenMessageId !== undefined && !input.confirmNewActivity) {
    const newer = await db().message.count({
      where: { conversationId: draft.conversationId, id: { gt: input.seenMessageId } },
    });
    if (newer > 0) throw new InputError(NEW_ACTIVITY_MESSAGE, "conflict");
  }
  const to = addresses(input.to, "To");
  const cc = addresses(input.cc, "Cc");
  const bcc = addresses(input.bcc, "Bcc");
  if (to.length === 0) throw new InputError("To: add at least one recipient");
  if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
    throw new InputError(`at most ${MAX_RECIPIENTS} recipients per message`);
  }

  const carried: ComposedReply["attachments"] = [];
  const wanted = input.mode === "forward" ? new Set(input.forwardAttachments ?? []) : new Set<number>();
  const original = draft.attachments.filter((a) => wanted.has(a.index));
  if (original.length) {
    const raw = await getBlob(blobSha256);
    for (const a of original) {
      const part = raw ? await extractAttachment(raw, a.index) : null;
      if (!part) throw new InputError(`the attachment ${a.filename ?? a.index + 1} could not be read`);
      carried.push({
        filename: part.filename ?? `attachment-${a.index + 1}`,
        contentType: part.contentType,
        content: part.content,
      });
    }
  }
  const attachments = [...carried, ...input.attachments];
  const total = attachments.reduce((n, a) => n + a.content.length, 0);
  if (total > MAX_COMPOSE_ATTACHMENT_BYTES) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new InputError(`attachments are too large: ${mb(total)}, at most ${mb(MAX_COMPOSE_ATTACHMENT_BYTES)}`);
  }

  return sendMessage({
    actorId: input.actorId,
    fromMailboxId: input.mailboxId,
    hostname: input.hostname,
    // One header line each; sendMessage takes the envelope addresses from it.
    to: [formatAddressList(to)],
    cc: cc.length ? [formatAddressList(cc)] : [],
    bcc: bcc.map((a) => a.address),
    subject: input.subject,
    text: input.text,
    html: input.html ? composeHtml(input.html) : undefined,
    inReplyTo: draft.inReplyTo ?? undefined,
    references: draft.references,
    conversationId: draft.conversationId,
    attachments,
    now: input.now,
    withinTransaction: input.withinTransaction,
  });
}
