// Drafts: the reply a member is writing, saved as they type (the composer
// saves at most once per DRAFT_SAVE_INTERVAL_MS, draft-timing.ts), one per user and
// conversation. Only its author ever reads it: every function takes the
// author's id from the caller's session and the conversation from the gate.
// Sending (submit-reply.ts) and discarding delete it.
import { z } from "zod";
import { id, idOrZero } from "../access/database-id.ts";
import type { AuthorizedConversation } from "../access/gate.ts";
import { composeHtmlFragment } from "../compose/compose-html.ts";
import { COMPOSE_MODES, type ComposeMode } from "../compose/compose-input.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_COMPOSE_TEXT_CHARS } from "../limits.ts";
import { safeText } from "../safe-text.ts";

const addressField = safeText.max(20_000);
const text = safeText.max(MAX_COMPOSE_TEXT_CHARS, "the message text is too long");

/** What the composer holds, as it saves it (added files stay in the browser). */
export const draftInput = z.object({
  messageId: id,
  mode: z.enum(COMPOSE_MODES),
  to: addressField,
  cc: addressField,
  bcc: addressField,
  subject: safeText.max(998),
  text,
  html: text.nullable(),
  forwardAttachments: z.array(z.number().int().min(0).max(10_000)).max(500),
  seenMessageId: idOrZero.nullable(),
});

export type DraftInput = z.infer<typeof draftInput>;

export interface SavedDraft extends Omit<DraftInput, "mode"> {
  mode: ComposeMode;
  updatedAt: Date;
}

/** Creates or replaces the author's draft in the conversation. */
export async function saveDraft(input: {
  userId: number;
  conversation: AuthorizedConversation;
  draft: DraftInput;
  now?: Date;
}): Promise<{ updatedAt: Date }> {
  const { conversation, draft } = input;
  // The message must be one of this conversation's: another mailbox's answers like a missing one.
  const message = await db().message.findFirst({
    where: { id: draft.messageId, conversationId: conversation.conversationId, deletedAt: null },
    select: { id: true },
  });
  if (!message) throw new InputError("No such message.", "not_found");
  const now = input.now ?? new Date();
  const fields = {
    messageId: draft.messageId,
    mode: draft.mode,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    text: draft.text,
    html: draft.html === null ? null : composeHtmlFragment(draft.html),
    forwardAttachments: draft.forwardAttachments,
    seenMessageId: draft.seenMessageId || null,
    updatedAt: now,
  };
  const saved = await db().draft.upsert({
    where: { userId_conversationId: { userId: input.userId, conversationId: conversation.conversationId } },
    create: { userId: input.userId, conversationId: conversation.conversationId, ...fields },
    update: fields,
    select: { updatedAt: true },
  });
  return saved;
}

/** The author's draft in the conversation, or null. */
export async function getDraft(input: {
  userId: number;
  conversation: AuthorizedConversation;
}): Promise<SavedDraft | null> {
  const row = await db().draft.findUnique({
    where: { userId_conversationId: { userId: input.userId, conversationId: input.conversation.conversationId } },
    select: {
      messageId: true,
      mode: true,
      to: true,
      cc: true,
      bcc: true,
      subject: true,
      text: true,
      html: true,
      forwardAttachments: true,
      seenMessageId: true,
      updatedAt: true,
    },
  });
  if (!row) return null;
  const mode = (COMPOSE_MODES as readonly string[]).includes(row.mode) ? (row.mode as ComposeMode) : "reply";
  return { ...row, mode };
}

/** Deletes the author's draft in the conversation (sent or discarded); whether there was one. */
export async function discardDraft(input: { userId: number; conversationId: number }): Promise<boolean> {
  const { count } = await db().draft.deleteMany({
    where: { userId: input.userId, conversationId: input.conversationId },
  });
  return count > 0;
}
