// Holding a composer send for approval: nothing leaves; the composition is
// kept as the composer sent it, after the same checks a send makes
// (validateComposition: recipients, attachment size, the stale-send guard),
// so a reviewer can only ever approve a reply that could be sent.

import type { AuthorizedMessage } from "../access/gate.ts";
import type { Composition, StaleSendGuard } from "../compose/compose-input.ts";
import { validateComposition } from "../compose/validate-composition.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import type { HeldPayload } from "./held-reply.ts";

export interface Held {
  pendingReplyId: number;
  conversationId: number;
}

export async function holdReply(input: {
  actorId: number;
  message: AuthorizedMessage;
  composition: Composition;
  guard?: StaleSendGuard;
  ip?: string | null;
}): Promise<Held> {
  const valid = await validateComposition({
    message: input.message,
    composition: input.composition,
    guard: input.guard,
  });
  const payload: HeldPayload = {
    ...input.composition,
    source: "composer",
    heldAfterMessageId: valid.newestMessageId,
  };
  return sqlTransaction((tx) =>
    insertHeld(tx, {
      conversationId: valid.draft.conversationId,
      mailboxId: input.message.mailboxId,
      authorId: input.actorId,
      payload,
      blobSha256: null,
      ip: input.ip,
    }),
  );
}

/** Writes the held reply with its audit and live event, in the caller's transaction. */
export async function insertHeld(
  tx: RawSql,
  held: {
    conversationId: number;
    mailboxId: number;
    authorId: number;
    payload: HeldPayload;
    blobSha256: string | null;
    ip?: string | null;
  },
): Promise<Held> {
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    insert into "PendingReply" ("conversationId", "mailboxId", "authorId", payload, "blobSha256")
    values (${held.conversationId}, ${held.mailboxId}, ${held.authorId}, ${JSON.stringify(held.payload)}::jsonb,
      ${held.blobSha256}::text)
    returning id`;
  const pendingReplyId = (row as { id: number }).id;
  await recordConversationAudit(tx, {
    actorId: held.authorId,
    action: "reply.held",
    conversationId: held.conversationId,
    after: { pendingReplyId, ...(held.payload.source === "submission" ? { via: "submission" } : {}) },
    ip: held.ip,
  });
  await recordLiveEvent(tx, {
    mailboxId: held.mailboxId,
    conversationId: held.conversationId,
    kind: "reply.held",
    actorId: held.authorId,
    payload: { pendingReplyId },
  });
  return { pendingReplyId, conversationId: held.conversationId };
}
