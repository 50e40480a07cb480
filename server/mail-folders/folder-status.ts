// RFC 9051 §6.3.11 STATUS of one folder: counts and counters without a
// snapshot. \Seen and \Deleted are entry flags (never tags), so one
// aggregate over the folder's entries answers.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface FolderCounts {
  folderId: number;
  messages: number;
  unseen: number;
  deleted: number;
  /** RFC 3501 STATUS RECENT: messages no read-write session has been told of (claim-recent.ts). */
  recent: number;
  size: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
}

export async function folderStatus(input: {
  mailboxId: AuthorizedMailboxId;
  folderName: string;
}): Promise<FolderCounts | null> {
  const [row] = await sql.$queryRaw<
    {
      id: number;
      uidNext: number;
      uidValidity: number;
      highestModseq: bigint;
      messages: number;
      unseen: number;
      deleted: number;
      recent: number;
      size: bigint;
    }[]
  >`
    select f.id, f."uidNext", f."uidValidity", f."highestModseq",
      count(fm.id)::int as messages,
      count(fm.id) filter (where not ('\\Seen' = any(fm.flags)))::int as unseen,
      count(fm.id) filter (where '\\Deleted' = any(fm.flags))::int as deleted,
      count(fm.id) filter (where fm.uid >= coalesce(r."recentUid", 1))::int as recent,
      coalesce(sum(m.size), 0)::bigint as size
    from "Folder" f
    left join "FolderRecent" r on r."folderId" = f.id
    left join "FolderMessage" fm on fm."folderId" = f.id
    left join "Message" m on m.id = fm."messageId"
    where f."mailboxId" = ${input.mailboxId}::int and f.name = ${input.folderName}
    group by f.id, r."recentUid"`;
  if (!row) return null;
  return {
    folderId: row.id,
    messages: row.messages,
    unseen: row.unseen,
    deleted: row.deleted,
    recent: row.recent,
    size: Number(row.size),
    uidNext: row.uidNext,
    uidValidity: row.uidValidity,
    highestModseq: Number(row.highestModseq),
  };
}
