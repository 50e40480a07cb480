// A saved reply with its placeholders filled for one conversation and agent.

import type { AuthorizedConversation } from "../access/gate.ts";
import { db } from "../db.ts";
import { fillPlaceholders } from "./placeholders.ts";

/** Null when the reply is neither global nor the conversation's mailbox's. */
export async function renderSavedReply(input: {
  conversation: AuthorizedConversation;
  savedReplyId: number;
  agent: { name: string; email: string };
}): Promise<{ title: string; text: string } | null> {
  const { conversationId, mailboxId } = input.conversation;
  const [reply, conversation] = await Promise.all([
    db().savedReply.findFirst({
      where: { id: input.savedReplyId, OR: [{ mailboxId }, { mailboxId: null }] },
      select: { title: true, body: true },
    }),
    db().conversation.findFirst({
      where: { id: conversationId, mailboxId },
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
