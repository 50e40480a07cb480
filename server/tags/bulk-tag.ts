// A tag added to, or taken off, many conversations at once (bulk.run "tag" and the undo of
// it), set-based: one transaction per mailbox — the tag found or created once, the links
// written by one INSERT (or DELETE), and per conversation that changed the same audit entry,
// live event and IMAP keyword change as addTag / removeTag (tag-conversation.ts) write for
// one, each kind by one statement. Before: one transaction per conversation, four at a time.
import type { AuthorizedConversation, AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { touchConversationEntries } from "../mail-store/touch-conversation-entries.ts";
import { recordLiveEvents } from "../realtime/live-events.ts";
import { findOrCreateTag } from "./tag-conversation.ts";

export interface BulkTagOutcome {
  /** Conversations that have the tag now (linked by this call or already). */
  done: number[];
  /** Those this call linked (what an undo takes off), with the tag's id in their mailbox. */
  linked: { conversationId: number; tagId: number }[];
  /** Conversations that no longer exist (deleted since they were read). */
  missing: number[];
}

function byMailbox<T extends { mailboxId: AuthorizedMailboxId }>(items: readonly T[]): Map<AuthorizedMailboxId, T[]> {
  const map = new Map<AuthorizedMailboxId, T[]>();
  for (const item of items) map.set(item.mailboxId, [...(map.get(item.mailboxId) ?? []), item]);
  return map;
}

/** Per conversation that changed: the audit entry, the live event with its tags now, its messages' keywords. */
async function announceMany(
  tx: RawSql,
  input: { actorId: number; mailboxId: number; ip: string | null; action: "tag.add" | "tag.remove" },
  changed: readonly { conversationId: number; tagId: number; name: string }[],
): Promise<void> {
  if (changed.length === 0) return;
  const ids = changed.map((c) => c.conversationId);
  const side = input.action === "tag.add" ? "after" : "before";
  await tx.$queryRaw`
    insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
    select ${input.actorId}::int, ${input.action}, 'conversation', e.v->>'conversationId',
      case when ${side} = 'before' then jsonb_build_object('tagId', (e.v->>'tagId')::int, 'name', e.v->>'name') end,
      case when ${side} = 'after' then jsonb_build_object('tagId', (e.v->>'tagId')::int, 'name', e.v->>'name') end,
      ${input.ip}::text
    from jsonb_array_elements(${JSON.stringify(changed)}::jsonb) with ordinality as e(v, n)
    order by e.n`;
  const tags = await tx.$queryRaw<{ conversationId: number; tags: { id: number; name: string }[] }[]>`
    select c.id as "conversationId", coalesce(
      (select json_agg(json_build_object('id', t.id, 'name', t.name) order by t.name)
       from "ConversationTag" ct join "Tag" t on t.id = ct."tagId" where ct."conversationId" = c.id), '[]') as tags
    from unnest(${ids}::int[]) as c(id)`;
  const now = new Map(tags.map((r) => [r.conversationId, r.tags]));
  await recordLiveEvents(
    tx,
    input.actorId,
    ids.map((conversationId) => ({
      mailboxId: input.mailboxId,
      conversationId,
      kind: "conversation.tagged" as const,
      payload: { tags: now.get(conversationId) ?? [] },
    })),
  );
  // Tags are IMAP keywords on the conversations' messages: they changed too.
  await touchConversationEntries(tx, ids);
}

/** addTag for many conversations: the tag by name in each conversation's mailbox. */
export async function addTagMany(input: {
  actorId: number;
  conversations: readonly AuthorizedConversation[];
  name: string;
  ip?: string | null;
}): Promise<BulkTagOutcome> {
  const outcome: BulkTagOutcome = { done: [], linked: [], missing: [] };
  for (const [mailboxId, list] of byMailbox(input.conversations)) {
    const ids = [...new Set(list.map((c) => c.conversationId as number))].sort((a, b) => a - b);
    await sqlTransaction(async (tx) => {
      const tag = await findOrCreateTag(tx, mailboxId as number, input.name);
      const linked = await tx.$queryRaw<{ conversationId: number }[]>`
        insert into "ConversationTag" ("conversationId", "tagId")
        select c.id, ${tag.id}::int from "Conversation" c where c.id = any(${ids}::int[]) order by c.id
        on conflict do nothing returning "conversationId"`;
      const present = await tx.$queryRaw<{ id: number }[]>`
        select id from "Conversation" where id = any(${ids}::int[])`;
      const there = new Set(present.map((r) => r.id));
      const added = linked.map((r) => r.conversationId).sort((a, b) => a - b);
      await announceMany(
        tx,
        { actorId: input.actorId, mailboxId: mailboxId as number, ip: input.ip ?? null, action: "tag.add" },
        added.map((conversationId) => ({ conversationId, tagId: tag.id, name: tag.name })),
      );
      for (const id of ids) (there.has(id) ? outcome.done : outcome.missing).push(id);
      outcome.linked.push(...added.map((conversationId) => ({ conversationId, tagId: tag.id })));
    });
  }
  outcome.done.sort((a, b) => a - b);
  outcome.linked.sort((a, b) => a.conversationId - b.conversationId);
  return outcome;
}

/** removeTag for many (conversation, tag) pairs; `missing`: the pairs that were not linked (nothing to take off). */
export async function removeTagMany(input: {
  actorId: number;
  items: readonly { conversation: AuthorizedConversation; tagId: number }[];
  ip?: string | null;
}): Promise<{ done: number[]; missing: number[] }> {
  const outcome = { done: [] as number[], missing: [] as number[] };
  const withMailbox = input.items.map((i) => ({ ...i, mailboxId: i.conversation.mailboxId }));
  for (const [mailboxId, list] of byMailbox(withMailbox)) {
    const pairs = list.map((i) => ({ conversationId: i.conversation.conversationId as number, tagId: i.tagId }));
    await sqlTransaction(async (tx) => {
      const removed = await tx.$queryRaw<{ conversationId: number; tagId: number; name: string }[]>`
        with wanted as (
          select (p->>'conversationId')::int as c, (p->>'tagId')::int as t
          from jsonb_array_elements(${JSON.stringify(pairs)}::jsonb) p
        ), gone as (
          delete from "ConversationTag" ct using wanted
          where ct."conversationId" = wanted.c and ct."tagId" = wanted.t
          returning ct."conversationId", ct."tagId"
        )
        select gone."conversationId", gone."tagId", t.name from gone join "Tag" t on t.id = gone."tagId"
        order by gone."conversationId", gone."tagId"`;
      await announceMany(
        tx,
        { actorId: input.actorId, mailboxId: mailboxId as number, ip: input.ip ?? null, action: "tag.remove" },
        removed,
      );
      const gone = new Set(removed.map((r) => `${r.conversationId}:${r.tagId}`));
      for (const p of pairs)
        (gone.has(`${p.conversationId}:${p.tagId}`) ? outcome.done : outcome.missing).push(p.conversationId);
    });
  }
  return outcome;
}

export const NO_SUCH_TAG = () => new InputError("the conversation has no such tag", "not_found");
