// The notes of one conversation, oldest first, for the timeline.

import type { AuthorizedConversation } from "../access/gate.ts";
import { db } from "../db.ts";

export interface ConversationNote {
  id: number;
  body: string;
  author: { id: number; name: string; email: string } | null;
  mentions: { id: number; name: string; email: string }[];
  createdAt: Date;
}

export async function listNotes(conversation: AuthorizedConversation): Promise<ConversationNote[]> {
  const notes = await db().note.findMany({
    where: { conversationId: conversation.conversationId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      body: true,
      mentions: true,
      createdAt: true,
      author: { select: { id: true, name: true, email: true } },
    },
  });
  const ids = [...new Set(notes.flatMap((n) => n.mentions))];
  const users = ids.length
    ? await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return notes.map((n) => ({
    id: n.id,
    body: n.body,
    author: n.author,
    mentions: n.mentions.flatMap((id) => byId.get(id) ?? []),
    createdAt: n.createdAt,
  }));
}
