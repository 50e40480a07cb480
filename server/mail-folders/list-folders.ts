// Every folder a login sees, with the levels above the shared mailboxes'
// folders that are not folders themselves (RFC 9051 §7.3.1 \Noselect).
import { type AuthorizedMailboxId, oneOf } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { type FolderTree, prefixOf, SHARED_ROOT } from "./folder-names.ts";

export interface ListedFolder {
  name: string;
  /** Null for the levels above folders. */
  folderId: number | null;
  specialUse: string | null;
  subscribed: boolean;
}

interface FolderRow {
  id: number;
  mailboxId: number;
  name: string;
  specialUse: string | null;
  subscribed: boolean;
}

export async function mailboxFolders(mailboxIds: readonly AuthorizedMailboxId[]): Promise<FolderRow[]> {
  return sql.$queryRaw<FolderRow[]>`
    select id, "mailboxId", name, "specialUse", subscribed from "Folder"
    where "mailboxId" = any(${mailboxIds}::int[]) order by "mailboxId", name`;
}

export async function listFolders(tree: FolderTree): Promise<ListedFolder[]> {
  const all = [...(tree.root ? [tree.root] : []), ...tree.shared];
  const rows = await mailboxFolders(all.map((m) => m.mailboxId));
  const out: ListedFolder[] = [];
  const byMailbox = (mailboxId: number) => rows.filter((row) => row.mailboxId === mailboxId);
  for (const mailbox of all) {
    const prefix = prefixOf(tree, mailbox);
    if (prefix) {
      if (!out.some((f) => f.name === SHARED_ROOT))
        out.push({ name: SHARED_ROOT, folderId: null, specialUse: null, subscribed: false });
      out.push({ name: prefix.slice(0, -1), folderId: null, specialUse: null, subscribed: false });
    }
    for (const row of byMailbox(mailbox.mailboxId)) {
      out.push({ name: prefix + row.name, folderId: row.id, specialUse: row.specialUse, subscribed: row.subscribed });
    }
  }
  return out;
}

/** The mailbox of a folder, when it is one of these mailboxes'. */
export async function folderMailbox(
  mailboxIds: readonly AuthorizedMailboxId[],
  folderId: number,
): Promise<AuthorizedMailboxId | null> {
  const [row] = await sql.$queryRaw<{ mailboxId: number }[]>`
    select "mailboxId" from "Folder" where id = ${folderId}::int and "mailboxId" = any(${mailboxIds}::int[])`;
  return row ? oneOf(mailboxIds, row.mailboxId) : null;
}
