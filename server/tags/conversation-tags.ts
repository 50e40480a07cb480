// Tags on one conversation, and the tag names a member can pick from.

import type { AuthorizedConversation } from "../access/authorized-conversation.ts";
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

/** Every tag, for the picker (tags are one namespace across the installation). */
export async function listTags(): Promise<TagChip[]> {
  return db().tag.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, color: true }, take: 1000 });
}
