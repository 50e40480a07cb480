// A folder as IMAP SELECT sees it (RFC 9051 §6.3.2): its UIDVALIDITY, UIDNEXT
// and HIGHESTMODSEQ and every message's UID, flags and MODSEQ — no bodies, no
// headers, nothing of the Message row. One statement, so the folder's
// counters and its messages are one consistent snapshot.
//
// SELECT of a large folder is the cost a mail client pays at every start
// (issue 11: under 50 ms for 10,000 messages). What made it slow was joining
// every entry to its Message for the conversation and asking, per entry, for
// that conversation's tags (bench:imap: 572 ms, docs/benchmarks.md). Now:
// - the entries come from "FolderMessage" alone, in (folderId, uid) order,
//   folded into one text value per column ("uid,uid,…"), which node-postgres
//   returns as a few strings instead of 10,000 row objects with arrays;
// - tags (a tag is a keyword on every message of its conversation,
//   mail-store/store-flags.ts) are asked from the other end: the mailbox's
//   tags, their conversations, those conversations' messages in this folder
//   (indexes on each step), so an untagged folder costs nothing here and a
//   tagged one costs its tagged entries only.
// Flag sets repeat ({}, {\Seen}, …): equal ones share one array.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface EntryState {
  uid: number;
  modseq: number;
  flags: string[];
  /** Tag names of the message's conversation. */
  tags: string[];
}

export interface FolderSnapshot {
  folderId: number;
  mailboxId: AuthorizedMailboxId;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** The entries as parallel arrays, ascending by UID. */
  uids: number[];
  modseqs: number[];
  /** The entry's own flags (system flags and "$" keywords). Shared between entries: never change one. */
  flags: readonly string[][];
  /** Tag names of the entry's conversation, by UID, for the entries that have any. */
  tags: Map<number, string[]>;
}

interface Row {
  kind: number;
  id: number;
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: bigint | null;
  uids: string | null;
  modseqs: string | null;
  flags: string | null;
  tags: string[] | null;
}

const NO_FLAGS: string[] = [];

export async function folderSnapshot(input: {
  mailboxId: AuthorizedMailboxId;
  folderName: string;
}): Promise<FolderSnapshot | null> {
  // Flags are atoms (no spaces, no control characters): " " between a set's flags, "\n" between sets.
  const rows = await sql.$queryRaw<Row[]>`
    with f as (
      select id, "uidValidity", "uidNext", "highestModseq" from "Folder"
      where "mailboxId" = ${input.mailboxId}::int and name = ${input.folderName}
    )
    (select 0 as kind, f.id, f."uidValidity", f."uidNext", f."highestModseq",
      e.uids, e.modseqs, e.flags, null::text[] as tags
    from f cross join lateral (
      select string_agg(fm.uid::text, ',' order by fm.uid) as uids,
        string_agg(fm.modseq::text, ',' order by fm.uid) as modseqs,
        string_agg(array_to_string(fm.flags, ' '), E'\n' order by fm.uid) as flags
      from "FolderMessage" fm where fm."folderId" = f.id) e)
    union all
    (select 1, fm.uid, null, null, null, null, null, null, array_agg(t.name order by t.name)
    from f join "Tag" t on t."mailboxId" = ${input.mailboxId}::int
    join "ConversationTag" ct on ct."tagId" = t.id
    join "Message" m on m."conversationId" = ct."conversationId"
    join "FolderMessage" fm on fm."messageId" = m.id and fm."folderId" = f.id
    group by fm.uid)`;
  const head = rows.find((row) => row.kind === 0);
  if (!head) return null;
  const uids = numbers(head.uids);
  const modseqs = numbers(head.modseqs);
  const flags: string[][] = [];
  if (uids.length > 0) {
    const sets = new Map<string, string[]>([["", NO_FLAGS]]);
    for (const text of (head.flags ?? "").split("\n")) {
      let set = sets.get(text);
      if (!set) {
        set = text.split(" ");
        sets.set(text, set);
      }
      flags.push(set);
    }
  }
  const tags = new Map<number, string[]>();
  for (const row of rows) if (row.kind === 1 && row.tags) tags.set(row.id, row.tags);
  return {
    folderId: head.id,
    mailboxId: input.mailboxId,
    uidValidity: head.uidValidity as number,
    uidNext: head.uidNext as number,
    highestModseq: Number(head.highestModseq),
    uids,
    modseqs,
    flags,
    tags,
  };
}

function numbers(list: string | null): number[] {
  return list ? list.split(",").map(Number) : [];
}

export function toEntryState(row: {
  uid: number | null;
  modseq: bigint;
  flags: string[] | null;
  tags: string[] | null;
}) {
  return { uid: row.uid as number, modseq: Number(row.modseq), flags: row.flags ?? [], tags: row.tags ?? [] };
}
