// A POP3 maildrop as one login sees it at login (RFC 1939 §5): the INBOX
// entries of the mailbox in UID order, without those this login "deleted"
// under the keep policy (Pop3Hidden). Sizes are Message.size, the stored
// octets: every door stores mail with CRLF line endings (the MX refuses bare
// ones, RFC 5321 §2.3.8), which is the form RETR sends, so they are the RFC
// 1939 §11 sizes without reading a single blob.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { type Pop3OnDelete, pop3OnDelete } from "../mailboxes/pop3-policy.ts";

export interface MaildropListing {
  folderId: number;
  uidValidity: number;
  onDelete: Pop3OnDelete;
  /** Parallel arrays in UID order: compact for large maildrops (10,000 messages are ~0.5 MB as objects). */
  uids: Int32Array;
  messageIds: Int32Array;
  sizes: Int32Array;
  /** sha256 of each message's blob, 32 bytes each: RETR reads the blob by it. */
  blobKeys: Buffer;
}

/** Null when the mailbox has no INBOX (it was removed meanwhile). */
export async function listMaildrop(input: {
  mailboxId: AuthorizedMailboxId;
  userId: number;
}): Promise<MaildropListing | null> {
  const [box] = await sql.$queryRaw<
    { folderId: number; uidValidity: number; kind: "personal" | "shared"; pop3OnDelete: Pop3OnDelete | null }[]
  >`
    select f.id as "folderId", f."uidValidity", m.kind::text as kind, m."pop3OnDelete"::text as "pop3OnDelete"
    from "Mailbox" m join "Folder" f on f."mailboxId" = m.id and f.name = 'INBOX'
    where m.id = ${input.mailboxId}::int`;
  if (!box) return null;
  const rows = await sql.$queryRaw<{ uid: number; messageId: number; size: number; blobSha256: string }[]>`
    select fm.uid, fm."messageId", m.size, m."blobSha256"
    from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
    where fm."folderId" = ${box.folderId}::int
      and not exists (select 1 from "Pop3Hidden" h where h."userId" = ${input.userId}::int and h."messageId" = fm."messageId")
    order by fm.uid`;
  const listing: MaildropListing = {
    folderId: box.folderId,
    uidValidity: box.uidValidity,
    onDelete: pop3OnDelete(box),
    uids: new Int32Array(rows.length),
    messageIds: new Int32Array(rows.length),
    sizes: new Int32Array(rows.length),
    blobKeys: Buffer.alloc(rows.length * 32),
  };
  rows.forEach((row, i) => {
    listing.uids[i] = row.uid;
    listing.messageIds[i] = row.messageId;
    listing.sizes[i] = row.size;
    listing.blobKeys.write(row.blobSha256, i * 32, 32, "hex");
  });
  return listing;
}
