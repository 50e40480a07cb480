// Folders a mail client manages (RFC 9051 §6.3.4–§6.3.8): CREATE, DELETE,
// RENAME, SUBSCRIBE. Names are paths inside one mailbox ("Archive/2026");
// folder-names.ts maps them into the login's tree. Deleting a folder
// expunges its messages through the one deletion path first, so quota,
// conversations and the audit log move exactly as for an EXPUNGE.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { expungeMessagesTx } from "../mail-store/expunge-messages.ts";
import { fileMessageTx } from "../mail-store/file-message.ts";
import { newUidValidity } from "../mailboxes/default-folders.ts";
import { MAIL_CHANNEL } from "../realtime/channels.ts";

export type FolderAdminOutcome = { ok: true } | { ok: false; reason: "exists" | "missing" | "has_children" | "inbox" };

interface Target {
  mailboxId: AuthorizedMailboxId;
  actorId: number;
  ip?: string | null;
}

export async function createFolder(input: Target & { path: string }): Promise<FolderAdminOutcome> {
  // RFC 9051 §2.3.1.1: a name used again must get another UIDVALIDITY; above
  // every folder of the mailbox and at least the clock's seconds.
  const created = await sql.$queryRaw<{ id: number }[]>`
    insert into "Folder" ("mailboxId", name, "uidValidity")
    select ${input.mailboxId}::int, ${input.path},
      greatest(${newUidValidity()}::int, (select coalesce(max("uidValidity"), 0) + 1 from "Folder" where "mailboxId" = ${input.mailboxId}::int))
    on conflict ("mailboxId", name) do nothing returning id`;
  if (created.length === 0) return { ok: false, reason: "exists" };
  await audit("folder.create", input, { path: input.path });
  return { ok: true };
}

export async function deleteFolder(input: Target & { path: string }): Promise<FolderAdminOutcome> {
  if (input.path === "INBOX") return { ok: false, reason: "inbox" };
  return sqlTransaction(async (tx) => {
    const [folder] = await tx.$queryRaw<{ id: number; children: boolean }[]>`
      select id, exists (select 1 from "Folder" c where c."mailboxId" = f."mailboxId"
        and left(c.name, ${input.path.length + 1}::int) = ${`${input.path}/`}) as children
      from "Folder" f where "mailboxId" = ${input.mailboxId}::int and name = ${input.path} for update`;
    if (!folder) return { ok: false, reason: "missing" };
    if (folder.children) return { ok: false, reason: "has_children" };
    const uids = await tx.$queryRaw<
      { uid: number }[]
    >`select uid from "FolderMessage" where "folderId" = ${folder.id}::int`;
    await expungeMessagesTx(tx, {
      mailboxId: input.mailboxId,
      folderId: folder.id,
      select: { uids: uids.map((row) => row.uid) },
      actorId: input.actorId,
      door: "imap",
      ip: input.ip,
    });
    await tx.$queryRaw`
      with gone as (delete from "Folder" where id = ${folder.id}::int returning id, "mailboxId")
      select pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'folder.changed', 'mailboxId', "mailboxId",
        'folderId', id)::text) from gone`;
    await audit("folder.delete", input, { path: input.path }, tx);
    return { ok: true };
  });
}

export async function renameFolder(input: Target & { from: string; to: string }): Promise<FolderAdminOutcome> {
  return sqlTransaction(async (tx) => {
    const [exists] = await tx.$queryRaw<{ id: number }[]>`
      select id from "Folder" where "mailboxId" = ${input.mailboxId}::int and name = ${input.to}`;
    if (exists) return { ok: false, reason: "exists" };
    if (input.from === "INBOX") return renameInbox(tx, input);
    // The folder and everything below it; UIDVALIDITY stays (RFC 9051 §6.3.6 allows it: the UIDs are the same).
    const renamed = await tx.$queryRaw<{ id: number }[]>`
      update "Folder" set name = ${input.to} || substr(name, ${input.from.length + 1}::int)
      where "mailboxId" = ${input.mailboxId}::int
        and (name = ${input.from} or left(name, ${input.from.length + 1}::int) = ${`${input.from}/`})
      returning id, pg_notify(${MAIL_CHANNEL}, json_build_object('kind', 'folder.changed',
        'mailboxId', "mailboxId", 'folderId', id)::text)`;
    if (renamed.length === 0) return { ok: false, reason: "missing" };
    await audit("folder.rename", input, { from: input.from, to: input.to }, tx);
    return { ok: true };
  });
}

/** RFC 9051 §6.3.6: renaming INBOX moves its messages to a new folder of that name and leaves INBOX empty. */
async function renameInbox(tx: RawSql, input: Target & { from: string; to: string }): Promise<FolderAdminOutcome> {
  await tx.$queryRaw`
    insert into "Folder" ("mailboxId", name, "uidValidity")
    select ${input.mailboxId}::int, ${input.to},
      greatest(${newUidValidity()}::int, (select coalesce(max("uidValidity"), 0) + 1 from "Folder" where "mailboxId" = ${input.mailboxId}::int))`;
  const entries = await tx.$queryRaw<{ folderId: number; uid: number; messageId: number; flags: string[] }[]>`
    select fm."folderId", fm.uid, fm."messageId", fm.flags from "FolderMessage" fm join "Folder" f on f.id = fm."folderId"
    where f."mailboxId" = ${input.mailboxId}::int and f.name = 'INBOX' order by fm.uid`;
  for (const entry of entries) {
    await fileMessageTx(tx, {
      mailboxId: input.mailboxId,
      folderName: input.to,
      messageId: entry.messageId,
      flags: entry.flags,
    });
  }
  if (entries.length > 0) {
    await expungeMessagesTx(tx, {
      mailboxId: input.mailboxId,
      folderId: (entries[0] as { folderId: number }).folderId,
      select: { uids: entries.map((entry) => entry.uid) },
      actorId: input.actorId,
      door: "imap",
      ip: input.ip,
    });
  }
  await audit("folder.rename", input, { from: "INBOX", to: input.to }, tx);
  return { ok: true };
}

export async function setFolderSubscribed(input: {
  mailboxId: AuthorizedMailboxId;
  path: string;
  subscribed: boolean;
}): Promise<boolean> {
  const rows = await sql.$queryRaw<{ id: number }[]>`
    update "Folder" set subscribed = ${input.subscribed} where "mailboxId" = ${input.mailboxId}::int and name = ${input.path}
    returning id`;
  return rows.length > 0;
}

/** The same row record-audit.ts writes, inside this raw-SQL transaction. */
async function audit(action: string, input: Target, after: Record<string, unknown>, tx?: RawSql): Promise<void> {
  const run = tx ?? sql;
  await run.$queryRaw`
    insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", after, ip)
    values (${input.actorId}::int, ${action}, 'mailbox', ${String(input.mailboxId)}, ${JSON.stringify(after)}::jsonb,
      ${input.ip ?? null}::text)`;
}
