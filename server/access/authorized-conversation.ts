// A conversation id checked against the caller's memberships, with the
// mailbox it belongs to. Like authorizeMailbox, a conversation of another
// mailbox and a missing one give the same null, so ids cannot be probed.
import { db } from "../db.ts";
import { type AuthorizedMailboxId, authorizeMailbox } from "./authorized-mailbox.ts";

export interface AuthorizedConversation {
  conversationId: number;
  mailboxId: AuthorizedMailboxId;
}

export async function authorizeConversation(input: {
  userId: number;
  conversationId: number;
}): Promise<AuthorizedConversation | null> {
  const conversation = await db().conversation.findUnique({
    where: { id: input.conversationId },
    select: { id: true, mailboxId: true },
  });
  if (!conversation) return null;
  const mailboxId = await authorizeMailbox({ userId: input.userId, mailboxId: conversation.mailboxId });
  return mailboxId ? { conversationId: conversation.id, mailboxId } : null;
}
