// RFC 3501 §2.3.2 \Recent: "This session is the first session to have been
// notified about this message; if the session is read-write, subsequent
// sessions will not see \Recent set for this message." The folder keeps the
// lowest UID nobody has claimed yet ("FolderRecent"); a read-write session
// that learns of the folder's messages up to `upTo` moves it there under
// that row's lock and is
// told where it was, so each UID is claimed by exactly one session, in this
// process or another. A read-only session (EXAMINE) only looks.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

/** The lowest UID that is recent for the caller (UIDs in [returned, upTo) are); null when the folder is gone. */
export async function claimRecent(input: {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
  /** The UIDNEXT the session has caught up with. */
  upTo: number;
  /** false: look without claiming (a read-only session). */
  claim: boolean;
}): Promise<number | null> {
  // Without the lock first: when others have claimed up to `upTo` already (every session but one
  // when new mail reaches many), there is nothing to take and no row is locked.
  const [row] = await sql.$queryRaw<{ recentUid: number; marked: boolean }[]>`
    select coalesce(r."recentUid", 1) as "recentUid", r."folderId" is not null as marked from "Folder" f
    left join "FolderRecent" r on r."folderId" = f.id
    where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])`;
  if (!row) return null;
  if (!input.claim || row.recentUid >= input.upTo) return row.recentUid;
  // The mark lives in "FolderRecent", not on the "Folder" row, which every STORE, APPEND and
  // EXPUNGE in the folder locks until it commits: a FETCH or NOOP that is the first to learn of
  // new mail must not queue behind them. Its row is made once per folder (the foreign key's check
  // is the only step that touches the "Folder" row, and only then).
  if (!row.marked)
    await sql.$queryRaw`
      insert into "FolderRecent" ("folderId", "recentUid") select id, 1 from "Folder"
      where id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[])
      on conflict ("folderId") do nothing`;
  // The subquery's FOR UPDATE waits for a concurrent claim and then reads its result,
  // so two sessions never both get the same range.
  const [claimed] = await sql.$queryRaw<{ previous: number }[]>`
    update "FolderRecent" r set "recentUid" = greatest(o.previous, ${input.upTo}::int)
    from (
      select r."folderId", r."recentUid" as previous from "FolderRecent" r
      join "Folder" f on f.id = r."folderId"
      where r."folderId" = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])
      for update of r
    ) o
    where r."folderId" = o."folderId"
    returning o.previous`;
  return claimed ? claimed.previous : null;
}
