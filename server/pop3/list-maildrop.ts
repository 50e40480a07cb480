// A POP3 maildrop as one login sees it at login (RFC 1939 §5): the INBOX
// entries of the mailbox in UID order, without those this login "deleted"
// under the keep policy (Pop3Hidden). Sizes are Message.size, the stored
// octets: every door stores mail with CRLF line endings (the MX refuses bare
// ones, RFC 5321 §2.3.8), which is the form RETR sends, so they are the RFC
// 1939 §11 sizes without reading a single blob.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { copyOutBinaryStream, sql, visitBinaryCopy } from "../db/raw-sql.ts";
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
  // By binary COPY, straight into the typed arrays: 10,000 rows as objects with a 64-character
  // key each cost the mail process more CPU than the login's password check. The ids are integers
  // (checked), spliced because COPY takes no parameters.
  const folderId = box.folderId;
  const userId = input.userId;
  if (!Number.isSafeInteger(folderId) || !Number.isSafeInteger(userId)) throw new Error("listMaildrop: bad id");
  const data = await copyOutBinaryStream(
    `copy (select fm.uid, fm."messageId", m.size, decode(m."blobSha256", 'hex')
      from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
      where fm."folderId" = ${folderId}
        and not exists (select 1 from "Pop3Hidden" h where h."userId" = ${userId} and h."messageId" = fm."messageId")
      order by fm.uid) to stdout (format binary)`,
  );
  let count = 0;
  visitBinaryCopy(data, (row) => {
    count = row + 1;
  });
  const listing: MaildropListing = {
    folderId,
    uidValidity: box.uidValidity,
    onDelete: pop3OnDelete(box),
    uids: new Int32Array(count),
    messageIds: new Int32Array(count),
    sizes: new Int32Array(count),
    blobKeys: Buffer.alloc(count * 32),
  };
  const columns = [listing.uids, listing.messageIds, listing.sizes];
  visitBinaryCopy(data, (row, field, offset, length) => {
    if (field < 3) {
      if (length !== 4) throw new Error("listMaildrop: an id or size is not an int4");
      (columns[field] as Int32Array)[row] = data.readInt32BE(offset);
    } else {
      if (length !== 32) throw new Error("listMaildrop: a blob key is not a sha256");
      data.copy(listing.blobKeys, row * 32, offset, offset + 32);
    }
  });
  return listing;
}
