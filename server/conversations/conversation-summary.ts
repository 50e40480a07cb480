// An inbox row as search shows it: the customer, subject, latest snippet,
// time and message count of one conversation.
import type { Prisma } from "../db.ts";

export interface ConversationSummary {
  id: number;
  mailbox: { id: number; address: string; displayName: string };
  subject: string;
  customer: { name: string; email: string } | null;
  snippet: string;
  status: "open" | "pending" | "closed" | "spam";
  messageCount: number;
  lastMessageAt: Date;
  tags: { id: number; name: string }[];
}

/** The columns of an inbox row, without its tags. */
export const SUMMARY_SELECT = {
  id: true,
  subject: true,
  status: true,
  messageCount: true,
  lastMessageAt: true,
  mailbox: { select: { id: true, address: true, displayName: true } },
  contact: { select: { name: true, email: true } },
  messages: { orderBy: { internalDate: "desc" }, take: 1, select: { snippet: true } },
} as const satisfies Prisma.ConversationSelect;

/** An inbox row without its tags, from a row selected with SUMMARY_SELECT. */
export function toSummary(
  r: Prisma.ConversationGetPayload<{ select: typeof SUMMARY_SELECT }>,
): Omit<ConversationSummary, "tags"> {
  return {
    id: r.id,
    mailbox: r.mailbox,
    subject: r.subject,
    customer: r.contact,
    snippet: r.messages[0]?.snippet ?? "",
    status: r.status,
    messageCount: r.messageCount,
    lastMessageAt: r.lastMessageAt,
  };
}
