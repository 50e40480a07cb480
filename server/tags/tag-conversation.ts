// Adding and removing a tag on a conversation. Tags belong to the
// conversation's mailbox: adding by name creates the tag there when the
// mailbox has none of that name in any letter case. Raw SQL in one
// transaction with the audit and live events (see add-note.ts for why).

import type { AuthorizedConversation } from "../access/gate.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { touchConversationEntries } from "../mail-store/touch-conversation-entries.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { normalizeTagName } from "./tag-name.ts";

interface Change {
  actorId: number;
  conversation: AuthorizedConversation;
  ip?: string | null;
}

async function announce(
  tx: RawSql,
  input: Change,
  action: "tag.add" | "tag.remove",
  tag: { id: number; name: string },
) {
  const { conversationId, mailboxId } = input.conversation;
  const tags = await tx.$queryRaw<{ id: number; name: string }[]>`
    select t.id, t.name from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
    where ct."conversationId" = ${conversationId} order by t.name`;
  const change = { tagId: tag.id, name: tag.name };
  await recordConversationAudit(tx, {
    actorId: input.actorId,
    action,
    conversationId,
    ...(action === "tag.add" ? { after: change } : { before: change }),
    ip: input.ip,
  });
  await recordLiveEvent(tx, {
    mailboxId,
    conversationId,
    kind: "conversation.tagged",
    actorId: input.actorId,
    payload: { tags },
  });
  // Tags are IMAP keywords on the conversation's messages: they changed too.
  await touchConversationEntries(tx, [conversationId]);
}

export async function addTag(
  input: Change & { name: string },
): Promise<{ id: number; name: string; created: boolean; linked: boolean }> {
  return sqlTransaction((tx) => addTagTx(tx, input));
}

/** The same inside the caller's transaction (IMAP STORE of a keyword). */
export async function addTagTx(
  tx: RawSql,
  input: Change & { name: string },
): Promise<{ id: number; name: string; created: boolean; linked: boolean }> {
  const { tag: found, created } = await findOrCreateTagReporting(
    tx,
    input.conversation.mailboxId as number,
    input.name,
  );
  const linked = await tx.$queryRaw<unknown[]>`
    insert into "ConversationTag" ("conversationId", "tagId") values (${input.conversation.conversationId}, ${found.id})
    on conflict do nothing returning "tagId"`;
  if (linked.length) await announce(tx, input, "tag.add", found);
  // linked: false when the conversation had the tag already (a bulk undo leaves it on).
  return { ...found, created, linked: linked.length > 0 };
}

/** The mailbox's tag of that name in any letter case, created when it has none. */
export async function findOrCreateTag(
  tx: RawSql,
  mailboxId: number,
  name: string,
): Promise<{ id: number; name: string }> {
  return (await findOrCreateTagReporting(tx, mailboxId, name)).tag;
}

async function findOrCreateTagReporting(
  tx: RawSql,
  mailboxId: number,
  rawName: string,
): Promise<{ tag: { id: number; name: string }; created: boolean }> {
  const name = normalizeTagName(rawName);
  const find = () => tx.$queryRaw<{ id: number; name: string }[]>`
    select id, name from "Tag" where "mailboxId" = ${mailboxId}::int and lower(name) = lower(${name})
    order by id limit 1`;
  let created = false;
  // An existing tag needs no lock (a bulk action tags hundreds of conversations at once).
  let [tag] = await find();
  if (!tag) {
    // The unique index is case-sensitive; this lock makes "find or create"
    // case-insensitive even when two members type the same new tag at once.
    await tx.$queryRaw`select pg_advisory_xact_lock(hashtext(${`yubin.tag:${mailboxId}:${name.toLowerCase()}`}))::text`;
    [tag] = await find();
  }
  if (!tag) {
    [tag] = await tx.$queryRaw<{ id: number; name: string }[]>`
      insert into "Tag" ("mailboxId", name) values (${mailboxId}::int, ${name}) returning id, name`;
    created = true;
  }
  return { tag: tag as { id: number; name: string }, created };
}

export async function removeTag(input: Change & { tagId: number }): Promise<void> {
  await sqlTransaction(async (tx) => {
    if (!(await removeTagTx(tx, input))) throw new InputError("the conversation has no such tag", "not_found");
  });
}

/** The same inside the caller's transaction; false when the conversation had no such tag. */
export async function removeTagTx(tx: RawSql, input: Change & { tagId: number }): Promise<boolean> {
  const [removed] = await tx.$queryRaw<{ id: number; name: string }[]>`
    with gone as (
      delete from "ConversationTag" where "conversationId" = ${input.conversation.conversationId} and "tagId" = ${input.tagId}
      returning "tagId"
    )
    select t.id, t.name from gone join "Tag" t on t.id = gone."tagId"`;
  if (!removed) return false;
  await announce(tx, input, "tag.remove", removed);
  return true;
}
