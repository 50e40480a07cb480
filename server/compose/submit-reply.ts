// The composer's Send: the one decision between sending a reply now and
// holding it for a reviewer (Approval, 確認者), made by the release rule
// (server/approval/release-rule.ts) that every door asks. A member who needs
// approval has the composition held as written, after the same checks a
// send makes, so a returned reply opens in the composer again; anyone else's
// reply is sent, its copy joining the conversation before this returns.

import type { AuthorizedMessage } from "../access/gate.ts";
import { holdReply } from "../approval/hold-reply.ts";
import { mustHoldForApproval } from "../approval/release-rule.ts";
import { discardDraft } from "../drafts/drafts.ts";
import type { DeliveryStatus } from "../outbound/delivery-status.ts";
import { changeStatus } from "../workflow/change-status.ts";
import type { Composition, StaleSendGuard } from "./compose-input.ts";
import { sendReply } from "./send-reply.ts";

export type ReplyOutcome =
  | { state: "sent"; messageId: number | null; conversationId: number | null; delivery: DeliveryStatus | null }
  | { state: "held"; pendingReplyId: number; conversationId: number | null };

export interface ReplySubmission {
  actorId: number;
  message: AuthorizedMessage;
  composition: Composition;
  guard?: StaleSendGuard;
  hostname: string;
  ip?: string | null;
  /**
   * "Send and close" / "Send and set pending": the conversation's status once
   * the reply has left (through changeStatus, audited as any change is). A
   * reply held for approval has not left, so the status stays.
   */
  thenStatus?: "closed" | "pending";
}

export async function sendOrHoldReply(input: ReplySubmission): Promise<ReplyOutcome> {
  const outcome = await sendOrHold(input);
  // The draft it was written in is done with: sent, or waiting for a reviewer (a returned
  // reply opens in the composer from the held text).
  const conversationId = input.message.conversationId ?? outcome.conversationId;
  if (conversationId !== null) await discardDraft({ userId: input.actorId, conversationId });
  if (outcome.state === "sent" && input.thenStatus && input.message.conversationId !== null) {
    await changeStatus({
      actorId: input.actorId,
      conversation: { conversationId: input.message.conversationId, mailboxId: input.message.mailboxId },
      status: input.thenStatus,
      ip: input.ip,
    });
  }
  return outcome;
}

async function sendOrHold(input: ReplySubmission): Promise<ReplyOutcome> {
  if (await mustHoldForApproval({ authorId: input.actorId, mailboxId: input.message.mailboxId })) {
    const held = await holdReply(input);
    return { state: "held", ...held };
  }
  const sent = await sendReply(input);
  // The rule changed between the two looks (an admin's switch): submitMessage held it instead.
  if (sent.pendingReplyId !== null) {
    return { state: "held", pendingReplyId: sent.pendingReplyId, conversationId: sent.conversationId };
  }
  return { state: "sent", messageId: sent.messageId, conversationId: sent.conversationId, delivery: sent.delivery };
}
