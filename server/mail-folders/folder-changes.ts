// RFC 7162 CONDSTORE/QRESYNC and every session's catch-up: what changed in a
// folder after a MODSEQ — entries whose flags (or conversation tags) changed
// or that arrived, and UIDs expunged since, from the ExpungedUid record that
// server/mail-store/expunge-messages.ts keeps. One statement over the
// (folderId, modseq) indexes.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { type EntryState, toEntryState } from "./folder-snapshot.ts";

export interface FolderChangeSet {
  messages: EntryState[];
  expunged: number[];
  highestModseq: number;
  uidNext: number;
}

export async function folderChanges(input: {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
  since: number;
}): Promise<FolderChangeSet | null> {
  const since = BigInt(Math.max(0, Math.floor(input.since)));
  const rows = await sql.$queryRaw<
    { kind: "f" | "m" | "x"; uid: number | null; modseq: bigint; flags: string[] | null; tags: string[] | null }[]
  >`
    with f as (
      select id, "uidNext", "highestModseq" from "Folder"
      where id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[])
    )
    (select 'f' as kind, f."uidNext" as uid, f."highestModseq" as modseq, null::text[] as flags, null::text[] as tags from f)
    union all
    (select 'm', fm.uid, fm.modseq, fm.flags,
      (select array_agg(t.name) from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = m."conversationId")
    from f join "FolderMessage" fm on fm."folderId" = f.id and fm.modseq > ${since}::bigint
    join "Message" m on m.id = fm."messageId")
    union all
    (select 'x', e.uid, e.modseq, null, null
    from f join "ExpungedUid" e on e."folderId" = f.id and e.modseq > ${since}::bigint)`;
  const head = rows.find((row) => row.kind === "f");
  if (!head) return null;
  const messages = rows.filter((row) => row.kind === "m").map(toEntryState);
  messages.sort((a, b) => a.uid - b.uid);
  const expunged = rows.filter((row) => row.kind === "x").map((row) => row.uid as number);
  expunged.sort((a, b) => a - b);
  return { messages, expunged, highestModseq: Number(head.modseq), uidNext: head.uid as number };
}
