// Creating, editing and deleting saved replies (authority: saved-reply-authority.ts).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_SAVED_REPLY_BODY, MAX_SAVED_REPLY_TITLE } from "../limits.ts";
import { assertCanManage, type SavedReplyActor } from "./saved-reply-authority.ts";

function clean(input: { title: string; body: string }) {
  const title = input.title.trim();
  const body = input.body.replace(/\r\n?/g, "\n");
  if (!title) throw new InputError("a saved reply needs a title");
  if (title.length > MAX_SAVED_REPLY_TITLE)
    throw new InputError(`a title has at most ${MAX_SAVED_REPLY_TITLE} characters`);
  if (!body.trim()) throw new InputError("a saved reply needs some text");
  if (body.length > MAX_SAVED_REPLY_BODY)
    throw new InputError(`a saved reply has at most ${MAX_SAVED_REPLY_BODY} characters`);
  return { title, body };
}

async function existing(actor: SavedReplyActor, id: number) {
  const reply = await db().savedReply.findUnique({ where: { id }, select: { id: true, mailboxId: true } });
  if (!reply) throw new InputError("no such saved reply", "not_found");
  // One outside the actor's mailboxes is reported as missing, not as forbidden.
  await assertCanManage(actor, reply.mailboxId).catch((e: unknown) => {
    throw e instanceof InputError ? new InputError("no such saved reply", "not_found") : e;
  });
  return reply;
}

export async function createSavedReply(input: {
  actor: SavedReplyActor;
  mailboxId: number | null;
  title: string;
  body: string;
}): Promise<{ id: number }> {
  await assertCanManage(input.actor, input.mailboxId);
  const data = clean(input);
  return db().$transaction(async (tx) => {
    const created = await tx.savedReply.create({
      data: { ...data, mailboxId: input.mailboxId, createdById: input.actor.id },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: input.actor.id,
        action: "saved_reply.create",
        subjectType: "saved_reply",
        subjectId: created.id,
        after: { mailboxId: input.mailboxId, title: data.title },
      },
      tx,
    );
    return created;
  });
}

export async function updateSavedReply(input: {
  actor: SavedReplyActor;
  id: number;
  mailboxId: number | null;
  title: string;
  body: string;
}): Promise<void> {
  const before = await existing(input.actor, input.id);
  await assertCanManage(input.actor, input.mailboxId);
  const data = clean(input);
  await db().$transaction(async (tx) => {
    await tx.savedReply.update({ where: { id: input.id }, data: { ...data, mailboxId: input.mailboxId } });
    await recordAudit(
      {
        actorId: input.actor.id,
        action: "saved_reply.update",
        subjectType: "saved_reply",
        subjectId: input.id,
        before: { mailboxId: before.mailboxId },
        after: { mailboxId: input.mailboxId, title: data.title },
      },
      tx,
    );
  });
}

export async function deleteSavedReply(input: { actor: SavedReplyActor; id: number }): Promise<void> {
  const before = await existing(input.actor, input.id);
  await db().$transaction(async (tx) => {
    await tx.savedReply.delete({ where: { id: input.id } });
    await recordAudit(
      {
        actorId: input.actor.id,
        action: "saved_reply.delete",
        subjectType: "saved_reply",
        subjectId: input.id,
        before: { mailboxId: before.mailboxId },
      },
      tx,
    );
  });
}
