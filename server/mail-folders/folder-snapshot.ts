// A folder as IMAP SELECT sees it (RFC 9051 §6.3.2): its UIDVALIDITY, UIDNEXT
// and HIGHESTMODSEQ and every message's UID, flags and MODSEQ — no bodies, no
// headers. One statement, so the folder's counters and its messages are one
// consistent snapshot, walking the (folderId, uid) index; 10,000 messages
// take a few milliseconds (bench/imap.ts).
//
// Flags are the folder entry's own (system flags and "$" keywords) plus the
// tags of the message's conversation: a tag is a keyword on every message of
// its conversation (mail-store/store-flags.ts).
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
  /** Ascending by UID. */
  messages: EntryState[];
}

interface Row {
  uid: number | null;
  modseq: bigint;
  flags: string[] | null;
  tags: string[] | null;
  uidValidity: number | null;
  uidNext: number | null;
}

export async function folderSnapshot(input: {
  mailboxId: AuthorizedMailboxId;
  folderName: string;
}): Promise<FolderSnapshot | null> {
  // The first row is the folder (uid null), then its entries in UID order.
  const rows = await sql.$queryRaw<(Row & { id: number })[]>`
    with f as (
      select id, "uidValidity", "uidNext", "highestModseq" from "Folder"
      where "mailboxId" = ${input.mailboxId}::int and name = ${input.folderName}
    )
    (select f.id, null::int as uid, f."highestModseq" as modseq, null::text[] as flags, null::text[] as tags,
      f."uidValidity", f."uidNext", 0 as ord from f)
    union all
    (select fm."folderId", fm.uid, fm.modseq, fm.flags,
      (select array_agg(t.name) from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = m."conversationId"),
      null, null, 1
    from f join "FolderMessage" fm on fm."folderId" = f.id join "Message" m on m.id = fm."messageId")
    order by ord, uid`;
  const [head, ...entries] = rows;
  if (!head || head.uid !== null) return null;
  return {
    folderId: head.id,
    mailboxId: input.mailboxId,
    uidValidity: head.uidValidity as number,
    uidNext: head.uidNext as number,
    highestModseq: Number(head.modseq),
    messages: entries.map(toEntryState),
  };
}

export function toEntryState(row: {
  uid: number | null;
  modseq: bigint;
  flags: string[] | null;
  tags: string[] | null;
}) {
  return { uid: row.uid as number, modseq: Number(row.modseq), flags: row.flags ?? [], tags: row.tags ?? [] };
}
