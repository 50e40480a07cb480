// A saved reply with its placeholders filled for one conversation and agent.

import type { AuthorizedMailboxId } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";
import { fillPlaceholders } from "./placeholders.ts";

/** Null when the reply is neither global nor this mailbox's, or the conversation is not in the mailbox. */
export async function renderSavedReply(input: {
  mailboxId: AuthorizedMailboxId;
  conversationId: number;
  savedReplyId: number;
  agent: { name: string; email: string };
}): Promise<{ title: string; text: string } | null> {
  const [reply, conversation] = await Promise.all([
    db().savedReply.findFirst({
      where: { id: input.savedReplyId, OR: [{ mailboxId: input.mailboxId }, { mailboxId: null }] },
      select: { title: true, body: true },
    }),
    db().conversation.findFirst({
      where: { id: input.conversationId, mailboxId: input.mailboxId },
      select: {
        contact: { select: { name: true, email: true } },
        mailbox: { select: { displayName: true, address: true } },
      },
    }),
  ]);
  if (!reply || !conversation) return null;
  const text = fillPlaceholders(reply.body, {
    "customer.name": conversation.contact?.name || "",
    "customer.email": conversation.contact?.email ?? "",
    "agent.name": input.agent.name || input.agent.email,
    "mailbox.name": conversation.mailbox.displayName || conversation.mailbox.address,
  });
  return { title: reply.title, text };
}
