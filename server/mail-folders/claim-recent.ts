// RFC 3501 §2.3.2 \Recent: "This session is the first session to have been
// notified about this message; if the session is read-write, subsequent
// sessions will not see \Recent set for this message." The folder keeps the
// lowest UID nobody has claimed yet; a read-write session that learns of the
// folder's messages up to `upTo` moves it there under the row lock and is
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
  // when new mail reaches many), there is nothing to take and the folder row stays unlocked.
  const [row] = await sql.$queryRaw<{ recentUid: number }[]>`
    select "recentUid" from "Folder"
    where id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[])`;
  if (!row) return null;
  if (!input.claim || row.recentUid >= input.upTo) return row.recentUid;
  // The subquery's FOR UPDATE waits for a concurrent claim and then reads its result,
  // so two sessions never both get the same range.
  const [claimed] = await sql.$queryRaw<{ previous: number }[]>`
    update "Folder" f set "recentUid" = greatest(o.previous, ${input.upTo}::int)
    from (
      select id, "recentUid" as previous from "Folder"
      where id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[])
      for update
    ) o
    where f.id = o.id
    returning o.previous`;
  return claimed ? claimed.previous : null;
}
