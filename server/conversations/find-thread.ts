// Which conversation an incoming message belongs to, and why (DESIGN.md
// "ThreadLink"). Every lookup stays inside the receiving mailbox, so a
// forged reference can never attach mail to another team's conversation.
import type { Prisma } from "../db.ts";
import { normalizeSubject } from "./normalize-subject.ts";
import { conversationIdsFromReferences } from "./reply-token.ts";

/** How far back subject-and-sender matching looks. */
export const SUBJECT_THREAD_WINDOW_DAYS = 14;

export type ThreadReason = "reply_token" | "references" | "subject_token" | "subject_sender" | "new";

export interface ThreadInput {
  mailboxId: number;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  contactId: number | null;
  now: Date;
}

export async function findThread(
  tx: Prisma.TransactionClient,
  input: ThreadInput,
): Promise<{ conversationId: number | null; reason: ThreadReason }> {
  const referenced = [...new Set([...(input.inReplyTo ? [input.inReplyTo] : []), ...input.references])].slice(-50);

  const tokenIds = conversationIdsFromReferences(referenced);
  if (tokenIds.length > 0) {
    const hit = await tx.conversation.findFirst({
      where: { id: { in: tokenIds }, mailboxId: input.mailboxId },
      select: { id: true },
    });
    if (hit) return { conversationId: hit.id, reason: "reply_token" };
  }

  if (referenced.length > 0) {
    const hit = await tx.message.findFirst({
      where: { mailboxId: input.mailboxId, messageIdHeader: { in: referenced }, conversationId: { not: null } },
      orderBy: { internalDate: "desc" },
      select: { conversationId: true },
    });
    if (hit?.conversationId) return { conversationId: hit.conversationId, reason: "references" };
  }

  const subject = normalizeSubject(input.subject);
  if (subject.ticket !== null) {
    const hit = await tx.conversation.findFirst({
      where: { id: subject.ticket, mailboxId: input.mailboxId },
      select: { id: true },
    });
    if (hit) return { conversationId: hit.id, reason: "subject_token" };
  }

  // Only a reply ("Re:", "返信:") is matched on subject alone: two separate
  // requests titled "Question" from one customer must stay two conversations.
  if (subject.isReply && subject.key !== "" && input.contactId !== null) {
    const since = new Date(input.now.getTime() - SUBJECT_THREAD_WINDOW_DAYS * 86_400_000);
    const hit = await tx.conversation.findFirst({
      where: {
        mailboxId: input.mailboxId,
        normalizedSubject: subject.key,
        contactId: input.contactId,
        lastMessageAt: { gte: since },
      },
      orderBy: { lastMessageAt: "desc" },
      select: { id: true },
    });
    if (hit) return { conversationId: hit.id, reason: "subject_sender" };
  }

  return { conversationId: null, reason: "new" };
}
