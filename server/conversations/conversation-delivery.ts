// Delivery state of every message a conversation sent, for the badges beside
// them (the browser polls this while any is still on its way).

import type { AuthorizedConversation } from "../access/gate.ts";
import { db } from "../db.ts";
import { type DisplayState, deliveryStatus } from "../outbound/delivery-status.ts";

export interface MessageDelivery {
  messageId: number;
  state: DisplayState;
  /** Deferred or bounced: the remote server's last reply. */
  reason: string | null;
  recipients: { address: string; state: string }[];
}

export async function conversationDelivery(conversation: AuthorizedConversation): Promise<MessageDelivery[]> {
  const sent = await db().message.findMany({
    where: { conversationId: conversation.conversationId, direction: "outbound" },
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
