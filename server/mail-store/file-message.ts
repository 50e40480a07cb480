// A stored message filed into one more folder of its own mailbox: IMAP COPY
// and MOVE within a mailbox, and an APPEND of a message the mailbox already
// has (the write path recognises the redelivery and stores nothing new). The
// Message — and so the quota, the conversation and the search tokens — is
// shared; only the folder entry is new, with a UID from the folder's UIDNEXT
// under its row lock, as store-message.ts hands them out.
import type { RawSql } from "../db/raw-sql.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";

/** null: the mailbox has no such folder, or the message is not the mailbox's. */
export async function fileMessageTx(
  tx: RawSql,
  input: { mailboxId: number; folderName: string; messageId: number; flags: readonly string[] },
): Promise<{ folderId: number; uid: number; conversationId: number | null } | null> {
  const [row] = await tx.$queryRaw<{ folderId: number; uid: number; conversationId: number | null }[]>`
    with message as (
      select id, "conversationId" from "Message" where id = ${input.messageId}::int and "mailboxId" = ${input.mailboxId}::int
        and "deletedAt" is null
    ), folder as (
      update "Folder" set "uidNext" = "uidNext" + 1, "highestModseq" = "highestModseq" + 1
      where "mailboxId" = ${input.mailboxId}::int and name = ${input.folderName} and exists (select 1 from message)
      returning id, "uidNext" - 1 as uid, "highestModseq" as modseq
    ), entry as (
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select folder.id, message.id, folder.uid, folder.modseq, ${[...input.flags]}::text[] from folder, message
      returning "folderId", uid, "messageId"
    )
    select entry."folderId", entry.uid, message."conversationId",
      pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'message.stored', 'mailboxId', ${input.mailboxId}::int,
        'folderId', entry."folderId", 'uid', entry.uid, 'messageId', entry."messageId",
        'conversationId', message."conversationId")::text)
    from entry, message`;
  return row ? { folderId: row.folderId, uid: row.uid, conversationId: row.conversationId } : null;
}
