// Internal notes on a conversation, with @mentions of its mailbox's members.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { MAX_NOTE_CHARS, MAX_NOTE_MENTIONS } from "../../limits.ts";
import { addNote } from "../../notes/add-note.ts";
import { listNotes } from "../../notes/list-notes.ts";
import { mentionCandidates } from "../../notes/mention-candidates.ts";
import { safeText } from "../../safe-text.ts";
import { conversationProcedure, router } from "../trpc.ts";

export const notesRouter = router({
  list: conversationProcedure.query(({ ctx }) => listNotes(ctx.conversation)),
  /** Who may be @mentioned here: the members of the conversation's mailbox. */
  members: conversationProcedure.query(({ ctx }) => mentionCandidates(ctx.conversation)),
  add: conversationProcedure
    .input(
      z.object({
        body: safeText.max(MAX_NOTE_CHARS, `a note has at most ${MAX_NOTE_CHARS} characters`),
        mentions: z.array(id).max(MAX_NOTE_MENTIONS).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      addNote({
        actorId: ctx.user.id,
        conversation: ctx.conversation,
        body: input.body,
        mentions: input.mentions,
        ip: ctx.ip,
      }),
    ),
});
