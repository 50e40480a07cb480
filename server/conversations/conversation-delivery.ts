// Delivery state of every message a conversation sent, for the badges beside
// them (the browser polls this while any is still on its way).

import { authorizeMailbox } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";
import { type DisplayState, deliveryStatus } from "../outbound/delivery-status.ts";

export interface MessageDelivery {
  messageId: number;
  state: DisplayState;
  /** Deferred or bounced: the remote server's last reply. */
  reason: string | null;
  recipients: { address: string; state: string }[];
}

/** Null alike for a missing conversation and one of a mailbox the user is not in. */
export async function conversationDelivery(input: {
  userId: number;
  conversationId: number;
}): Promise<MessageDelivery[] | null> {
  const conversation = await db().conversation.findUnique({
    where: { id: input.conversationId },
    select: { mailboxId: true },
  });
  if (!conversation || !(await authorizeMailbox({ userId: input.userId, mailboxId: conversation.mailboxId })))
    return null;
  const sent = await db().message.findMany({
    where: { conversationId: input.conversationId, direction: "outbound" },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return Promise.all(
    sent.map(async ({ id }) => {
      const status = await deliveryStatus(id);
      return {
        messageId: id,
        state: status.state,
        reason: status.reason,
        recipients: status.recipients.map((r) => ({ address: r.address, state: r.state })),
      };
    }),
  );
}
