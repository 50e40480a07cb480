// Flag changes of folder entries: IMAP STORE, and the web's read state
// (opening a conversation marks its messages \Seen through this same
// function, mark-read.ts). In ONE transaction, with the folder row locked:
//
// - the entry's own flags (system flags and "$" keywords, which are mail
//   client bookkeeping such as $Forwarded or $MDNSent) change, with a new
//   MODSEQ for every changed entry (RFC 7162 §3.1; one value per command,
//   as Dovecot does);
// - other keywords are the conversation's tags, both ways: adding one to a
//   message tags its conversation, and so becomes a keyword on every message
//   of it (tags/tag-conversation.ts, with its audit, live event and MODSEQ
//   bumps); a message in no conversation keeps them on its entry;
// - RFC 7162 §3.1.3 UNCHANGEDSINCE: entries changed after it are left alone
//   and reported;
// - a NOTIFY on MAIL_CHANNEL for the IMAP sessions of every process, and a
//   live event per conversation whose read state changed, for browsers.
import { type AuthorizedMailboxId, conversationWithin, oneOf } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import type { EntryState } from "../mail-folders/folder-snapshot.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { addTagTx, removeTagTx } from "../tags/tag-conversation.ts";

export type FlagMode = "add" | "remove" | "replace";

export interface StoreFlagsInput {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
  uids: readonly number[];
  mode: FlagMode;
  /** Flags kept on the entry: system flags ("\Seen", …) and "$" keywords. */
  flags: readonly string[];
  /** Tag names: the other keywords. */
  tags: readonly string[];
  unchangedSince: number | null;
  /** Null: no user acted (a connector following the remote server); then no tag may change. */
  actorId: number | null;
  ip?: string | null;
}

export interface StoreFlagsResult {
  /** Entries of the requested UIDs that changed, with their flags, tags and MODSEQ after the change. */
  changed: EntryState[];
  /** UIDs that failed the UNCHANGEDSINCE test. */
  modified: number[];
}

const SEEN = "\\Seen";

/** null: the folder does not exist in these mailboxes (any more). */
export async function storeFlags(input: StoreFlagsInput): Promise<StoreFlagsResult | null> {
  return retryOnDeadlock(() => sqlTransaction((tx) => storeFlagsTx(tx, input)));
}

interface EntryRow {
  id: number;
  uid: number;
  flags: string[];
  modseq: bigint;
  conversationId: number | null;
  tags: { id: number; name: string }[] | null;
}

export async function storeFlagsTx(tx: RawSql, input: StoreFlagsInput): Promise<StoreFlagsResult | null> {
  const [folder] = await tx.$queryRaw<{ id: number; mailboxId: number; highestModseq: bigint }[]>`
    select id, "mailboxId", "highestModseq" from "Folder"
    where id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[]) for update`;
  const mailboxId = folder ? oneOf(input.mailboxIds, folder.mailboxId) : null;
  if (!folder || !mailboxId) return null;
  const entries = await tx.$queryRaw<EntryRow[]>`
    select fm.id, fm.uid, fm.flags, fm.modseq, m."conversationId",
      (select json_agg(json_build_object('id', t.id, 'name', t.name)) from "ConversationTag" ct
        join "Tag" t on t.id = ct."tagId" where ct."conversationId" = m."conversationId") as tags
    from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
    where fm."folderId" = ${folder.id}::int and fm.uid = any(${input.uids}::int[])
    order by fm.uid`;

  const modified: number[] = [];
  const flagUpdates: { id: number; flags: string[] }[] = [];
  const readChanged = new Set<number>();
  const tagPlans = new Map<number, { add: string[]; remove: { id: number; name: string }[] }>();
  for (const entry of entries) {
    if (input.unchangedSince !== null && Number(entry.modseq) > input.unchangedSince) {
      modified.push(entry.uid);
      continue;
    }
    // A message in no conversation has no tags: its keywords stay on the entry.
    const own = entry.conversationId === null ? [...input.flags, ...input.tags] : input.flags;
    const next = applyFlags(entry.flags, input.mode, own);
    if (!sameFlags(next, entry.flags)) {
      flagUpdates.push({ id: entry.id, flags: next });
      if (has(next, SEEN) !== has(entry.flags, SEEN) && entry.conversationId !== null)
        readChanged.add(entry.conversationId);
    }
    if (entry.conversationId !== null && !tagPlans.has(entry.conversationId)) {
      const current = entry.tags ?? [];
      const wanted = new Set(input.tags.map((t) => t.toLowerCase()));
      const present = new Set(current.map((t) => t.name.toLowerCase()));
      tagPlans.set(entry.conversationId, {
        add: input.mode === "remove" ? [] : input.tags.filter((t) => !present.has(t.toLowerCase())),
        remove:
          input.mode === "add"
            ? []
            : current.filter((t) => (input.mode === "remove") === wanted.has(t.name.toLowerCase())),
      });
    }
  }

  for (const [conversationId, plan] of tagPlans) {
    if (plan.add.length === 0 && plan.remove.length === 0) continue;
    if (input.actorId === null) throw new Error("a tag changes only on a user's behalf");
    // The folder's mailbox is one the login may use, so its conversations are too.
    const conversation = conversationWithin(mailboxId, conversationId);
    const change = { actorId: input.actorId, conversation, ip: input.ip };
    for (const name of plan.add) await addTagTx(tx, { ...change, name });
    for (const tag of plan.remove) await removeTagTx(tx, { ...change, tagId: tag.id });
  }

  if (flagUpdates.length > 0) {
    await tx.$queryRaw`
      with bumped as (
        update "Folder" set "highestModseq" = "highestModseq" + 1 where id = ${folder.id}::int
        returning id, "mailboxId", "highestModseq"
      ), changed as (
        update "FolderMessage" fm set flags = v.flags, modseq = bumped."highestModseq"
        from jsonb_to_recordset(${JSON.stringify(flagUpdates)}::jsonb) as v(id int, flags text[]), bumped
        where fm.id = v.id
      )
      select pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'flags.changed', 'mailboxId', "mailboxId",
        'folderId', id)::text) from bumped`;
  }
  for (const conversationId of readChanged) {
    await recordLiveEvent(tx, {
      mailboxId,
      conversationId,
      kind: "message.flags",
      actorId: input.actorId,
      payload: { folderId: folder.id },
    });
  }

  const changed = await tx.$queryRaw<{ uid: number; modseq: bigint; flags: string[]; tags: string[] | null }[]>`
    select fm.uid, fm.modseq, fm.flags,
      (select array_agg(t.name) from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = m."conversationId") as tags
    from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
    where fm."folderId" = ${folder.id}::int and fm.uid = any(${input.uids}::int[])
      and fm.modseq > ${folder.highestModseq}::bigint
    order by fm.uid`;
  return {
    changed: changed.map((row) => ({
      uid: row.uid,
      modseq: Number(row.modseq),
      flags: row.flags,
      tags: row.tags ?? [],
    })),
    modified,
  };
}

function has(flags: readonly string[], flag: string): boolean {
  const lower = flag.toLowerCase();
  return flags.some((f) => f.toLowerCase() === lower);
}

function applyFlags(current: string[], mode: FlagMode, flags: readonly string[]): string[] {
  if (mode === "replace") return dedupe(flags);
  const lower = new Set(flags.map((flag) => flag.toLowerCase()));
  if (mode === "remove") return current.filter((flag) => !lower.has(flag.toLowerCase()));
  const have = new Set(current.map((flag) => flag.toLowerCase()));
  return [...current, ...dedupe(flags.filter((flag) => !have.has(flag.toLowerCase())))];
}

function dedupe(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((flag) => {
    const key = flag.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((flag) => flag.toLowerCase()));
  return b.every((flag) => set.has(flag.toLowerCase()));
}

/** Two writers locking the same folders in different orders: PostgreSQL aborts one, which simply runs again. */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== "40P01" && code !== "40001") || attempt >= attempts) throw error;
    }
  }
}
