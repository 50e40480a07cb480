// Which conversation an incoming message belongs to, and why (DESIGN.md
// "ThreadLink"). Every lookup stays inside the receiving mailbox, so a
// forged reference can never attach mail to another team's conversation.
import type { RawSql } from "../db/raw-sql.ts";
import { normalizeSubject } from "./normalize-subject.ts";
import { conversationIdsFromReferences } from "./reply-token.ts";

/** How far back subject-and-sender matching looks. */
export const SUBJECT_THREAD_WINDOW_DAYS = 14;

export type ThreadReason = "reply_token" | "references" | "subject_token" | "subject_sender" | "new";

export interface ThreadInput {
  mailboxId: number;
  /** The message's own Message-ID when Yubin sent it: its token names the conversation it was sent from. */
  ownMessageId?: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  contactId: number | null;
  now: Date;
}

export async function findThread(
  tx: RawSql,
  input: ThreadInput,
): Promise<{ conversationId: number | null; reason: ThreadReason }> {
  const referenced = [...new Set([...(input.inReplyTo ? [input.inReplyTo] : []), ...input.references])].slice(-50);

  const tokenIds = conversationIdsFromReferences([...(input.ownMessageId ? [input.ownMessageId] : []), ...referenced]);
  if (tokenIds.length > 0) {
    const [hit] = await tx.$queryRaw<{ id: number }[]>`
      select id from "Conversation" where id = any(${tokenIds}::int[]) and "mailboxId" = ${input.mailboxId}
        and "deletedAt" is null
      order by id desc limit 1`;
    if (hit) return { conversationId: hit.id, reason: "reply_token" };
  }

  if (referenced.length > 0) {
    const [hit] = await tx.$queryRaw<{ conversationId: number }[]>`
      select "conversationId" from "Message"
      where "mailboxId" = ${input.mailboxId} and "messageIdHeader" = any(${referenced}::text[]) and "conversationId" is not null
      order by "internalDate" desc limit 1`;
    if (hit) return { conversationId: hit.conversationId, reason: "references" };
  }

  const subject = normalizeSubject(input.subject);
  if (subject.ticket !== null && subject.ticket <= 2_147_483_647) {
    const [hit] = await tx.$queryRaw<{ id: number }[]>`
      select id from "Conversation" where id = ${subject.ticket} and "mailboxId" = ${input.mailboxId}
        and "deletedAt" is null`;
    if (hit) return { conversationId: hit.id, reason: "subject_token" };
  }

  // Only a reply ("Re:", "返信:") is matched on subject alone: two separate
  // requests titled "Question" from one customer must stay two conversations.
  if (subject.isReply && subject.key !== "" && input.contactId !== null) {
    const since = new Date(input.now.getTime() - SUBJECT_THREAD_WINDOW_DAYS * 86_400_000);
    const [hit] = await tx.$queryRaw<{ id: number }[]>`
      select id from "Conversation"
      where "mailboxId" = ${input.mailboxId} and "normalizedSubject" = ${subject.key}
        and "contactId" = ${input.contactId} and "lastMessageAt" >= ${since} and "deletedAt" is null
      order by "lastMessageAt" desc limit 1`;
    if (hit) return { conversationId: hit.id, reason: "subject_sender" };
  }

  return { conversationId: null, reason: "new" };
}
