// The inbox list: conversations of the mailboxes a user belongs to, newest
// first, with the customer, subject, latest snippet, time and message count.
import { db, type Prisma } from "../db.ts";
import { memberMailboxIds } from "../mailboxes/list-member-mailboxes.ts";

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

export const PAGE_SIZE = 50;

export async function listConversations(input: {
  userId: number;
  /** Only this mailbox (must be one the user belongs to; otherwise nothing is returned). */
  mailboxId?: number;
  /** Keyset cursor: the last item of the previous page. */
  before?: { lastMessageAt: Date; id: number };
  limit?: number;
}): Promise<ConversationSummary[]> {
  const allowed = await memberMailboxIds(input.userId);
  const mailboxIds = input.mailboxId === undefined ? allowed : allowed.filter((id) => id === input.mailboxId);
  if (mailboxIds.length === 0) return [];
  const rows = await db().conversation.findMany({
    where: {
      mailboxId: { in: mailboxIds },
      ...(input.before
        ? {
            OR: [
              { lastMessageAt: { lt: input.before.lastMessageAt } },
              { lastMessageAt: input.before.lastMessageAt, id: { lt: input.before.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    take: Math.min(input.limit ?? PAGE_SIZE, 200),
    select: { ...SUMMARY_SELECT, tags: { select: { tag: { select: { id: true, name: true } } } } },
  });
  return rows.map((r) => ({
    ...toSummary(r),
    tags: r.tags.map((t) => t.tag).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

/** The columns of an inbox row, without its tags (the list and search select these). */
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
