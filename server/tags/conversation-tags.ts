// Tags on one conversation, and the tag names a member can pick from: those
// of the conversation's own mailbox only, so a tag name of another team's
// mailbox is never shown.

import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { db } from "../db.ts";

export interface TagChip {
  id: number;
  name: string;
  color: string;
}

export async function conversationTags(conversation: AuthorizedConversation): Promise<TagChip[]> {
  const rows = await db().conversationTag.findMany({
    where: { conversationId: conversation.conversationId },
    select: { tag: { select: { id: true, name: true, color: true } } },
  });
  return rows.map((r) => r.tag).sort((a, b) => a.name.localeCompare(b.name));
}

/** The tags of these mailboxes, by name (the picker, the inbox filter). */
export async function mailboxTags(mailboxIds: readonly AuthorizedMailboxId[]): Promise<TagChip[]> {
  if (mailboxIds.length === 0) return [];
  return db().tag.findMany({
    where: { mailboxId: { in: [...mailboxIds] } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, color: true },
    take: 1000,
  });
}
