// Sending from a conversation (Reply, Reply all, Forward in the browser): the
// shared mailbox is the sender, the threading headers come from the stored
// message (reply-draft.ts), and everything else — send-as, DKIM, the copy in
// this conversation and the queue in one transaction — is sendMessage's.
// Only sendOrHoldReply (submit-reply.ts), once the release rule has let the
// reply go, and approveReply call this.

import type { AuthorizedMessage } from "../access/gate.ts";
import type { ReviewerRelease } from "../approval/release-rule.ts";
import { type SentMessage, sendMessage } from "../outbound/send-message.ts";
import type { SendHook } from "../outbound/submit-message.ts";
import { formatAddressList } from "./address-list.ts";
import { composeHtml } from "./compose-html.ts";
import type { Composition, StaleSendGuard } from "./compose-input.ts";
import { validateComposition } from "./validate-composition.ts";

export interface ReplyToSend {
  actorId: number;
  /** The message answered or forwarded, authorised for the actor. */
  message: AuthorizedMessage;
  composition: Composition;
  guard?: StaleSendGuard;
  hostname: string;
  now?: Date;
  /** Written in the sending transaction (submit-message.ts): commits with the send or not at all. */
  withinTransaction?: SendHook;
  /** A reviewer's approval of this held reply (approve-reply.ts). */
  release?: ReviewerRelease;
}

export async function sendReply(input: ReplyToSend): Promise<SentMessage> {
  const { composition } = input;
  const { draft, to, cc, bcc, attachments } = await validateComposition({
    message: input.message,
    composition,
    guard: input.guard,
  });
  return sendMessage({
    actorId: input.actorId,
    fromMailboxId: input.message.mailboxId,
    hostname: input.hostname,
    // One header line each; sendMessage takes the envelope addresses from it.
    to: [formatAddressList(to)],
    cc: cc.length ? [formatAddressList(cc)] : [],
    bcc: bcc.map((a) => a.address),
    subject: composition.subject,
    text: composition.text,
    html: composition.html ? composeHtml(composition.html) : undefined,
    inReplyTo: draft.inReplyTo ?? undefined,
    references: draft.references,
    conversationId: draft.conversationId,
    attachments,
    now: input.now,
    withinTransaction: input.withinTransaction,
    release: input.release,
  });
}
