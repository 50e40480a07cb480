// The customer panel beside a conversation: who wrote, and their other
// conversations — only in mailboxes the viewer works in, so the panel never
// reveals that a customer also wrote to a team the viewer cannot see.

import type { AuthorizedConversation } from "../access/gate.ts";
import { memberMailboxIds } from "../access/gate.ts";
import { db } from "../db.ts";

const PREVIOUS_LIMIT = 20;

export interface CustomerPanel {
  contact: { name: string; email: string } | null;
  previous: {
    id: number;
    subject: string;
    status: "open" | "pending" | "closed" | "spam";
    lastMessageAt: Date;
    mailbox: { id: number; address: string; displayName: string };
  }[];
}

export async function customerPanel(input: {
  userId: number;
  conversation: AuthorizedConversation;
}): Promise<CustomerPanel> {
  const current = await db().conversation.findUnique({
    where: { id: input.conversation.conversationId },
    select: { contact: { select: { id: true, name: true, email: true } } },
  });
  const contact = current?.contact;
  if (!contact) return { contact: null, previous: [] };
  const previous = await db().conversation.findMany({
    where: {
      contactId: contact.id,
      id: { not: input.conversation.conversationId },
      deletedAt: null,
      mailboxId: { in: await memberMailboxIds(input.userId) },
    },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: PREVIOUS_LIMIT,
    select: {
      id: true,
      subject: true,
      status: true,
      lastMessageAt: true,
      mailbox: { select: { id: true, address: true, displayName: true } },
    },
  });
  return { contact: { name: contact.name, email: contact.email }, previous };
}
