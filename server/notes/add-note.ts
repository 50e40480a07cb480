// An internal note on a conversation. Notes live only in Yubin: they are
// never part of a message, a draft's quoted history or anything sent (the
// reply path reads Message rows only). Each mention notifies that member in
// the app; the note, its search tokens, its notifications, the audit event and
// the live event commit in one transaction (raw SQL, as recordLiveEvent's
// pg_notify needs: the Prisma adapter cannot read its void result).

import type { AuthorizedConversation } from "../access/gate.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAX_NOTE_CHARS, MAX_NOTE_MENTIONS } from "../limits.ts";
import { mailboxMembers } from "../mailboxes/mailbox-members.ts";
import { notifyUsers } from "../notifications/notify.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { setNoteSearchVector } from "../search/tokens.ts";

export const MENTION_NOTIFICATION = "note.mention" as const;

export async function addNote(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  body: string;
  mentions: number[];
  ip?: string | null;
}): Promise<{ id: number; mentions: number[] }> {
  const body = input.body.replace(/\r\n?/g, "\n").trim();
  if (!body) throw new InputError("the note is empty");
  if (body.length > MAX_NOTE_CHARS) throw new InputError(`a note has at most ${MAX_NOTE_CHARS} characters`);
  const mentions = [...new Set(input.mentions)];
  if (mentions.length > MAX_NOTE_MENTIONS) throw new InputError(`at most ${MAX_NOTE_MENTIONS} mentions per note`);
  const members = new Set((await mailboxMembers(sql, input.conversation.mailboxId)).map((m) => m.id));
  // Someone outside the mailbox could not open the conversation the notice points to.
  if (mentions.some((id) => !members.has(id))) throw new InputError("only members of this mailbox can be mentioned");

  const { conversationId, mailboxId } = input.conversation;
  const notified = mentions.filter((id) => id !== input.actorId);
  return sqlTransaction(async (tx) => {
    const [note] = await tx.$queryRaw<{ id: number }[]>`
      insert into "Note" ("conversationId", "authorId", body, mentions)
      values (${conversationId}, ${input.actorId}, ${body}, ${mentions}::int[])
      returning id`;
    const noteId = (note as { id: number }).id;
    await setNoteSearchVector(tx, noteId, body);
    await notifyUsers(tx, {
      userIds: notified,
      kind: MENTION_NOTIFICATION,
      conversationId,
      noteId,
      actorId: input.actorId,
    });
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: "note.add",
      conversationId,
      after: { noteId, mentions },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId,
      conversationId,
      kind: "note.added",
      actorId: input.actorId,
      payload: { noteId, mentions: notified },
    });
    return { id: noteId, mentions };
  });
}
