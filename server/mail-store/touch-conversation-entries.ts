// A tag is an IMAP keyword on every message of its conversation (store-flags.ts),
// so a tag change is a flag change of each of those folder entries: RFC 7162
// §3.1 wants it to have a new MODSEQ, so that CONDSTORE and QRESYNC clients
// fetch it. One bump per folder, and a NOTIFY per folder for the IMAP
// sessions (PostgreSQL delivers it at COMMIT).
import type { RawSql } from "../db/raw-sql.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";

export async function touchConversationEntries(tx: RawSql, conversationIds: readonly number[]): Promise<void> {
  if (conversationIds.length === 0) return;
  // Folders are locked in id order, as every multi-folder write does, so two
  // of these cannot deadlock each other.
  await tx.$queryRaw`
    with entries as (
      select fm.id, fm."folderId" from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
      where m."conversationId" = any(${conversationIds}::int[])
    ), locked as (
      select f.id from "Folder" f where f.id in (select "folderId" from entries) order by f.id for update
    ), bumped as (
      update "Folder" f set "highestModseq" = f."highestModseq" + 1 from locked where f.id = locked.id
      returning f.id, f."mailboxId", f."highestModseq"
    ), touched as (
      update "FolderMessage" fm set modseq = bumped."highestModseq" from entries, bumped
      where fm.id = entries.id and entries."folderId" = bumped.id
    )
    select count(pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'flags.changed', 'mailboxId', "mailboxId",
      'folderId', id)::text)) from bumped`;
}
