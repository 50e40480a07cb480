// Reading messages of a folder by UID for IMAP FETCH and SEARCH: metadata
// from the folder entry and the Message row, header blocks from the first
// bytes of the Blob (PostgreSQL decompresses only the slice it returns), and
// whole messages in slices. Every query names the folder inside the login's
// mailboxes, so a foreign folder id reads nothing.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { BLOB_SLICE_OCTETS, queryBlobText, readBlobChunks } from "../mail-store/read-blob.ts";
import { type EntryState, toEntryState } from "./folder-snapshot.ts";

export interface EntryMetadata extends EntryState {
  internalDate: Date;
  size: number;
}

interface FolderRef {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
}

export async function entryMetadata(input: FolderRef & { uids: readonly number[] }): Promise<EntryMetadata[]> {
  const rows = await sql.$queryRaw<
    { uid: number; modseq: bigint; flags: string[]; tags: string[] | null; internalDate: Date; size: number }[]
  >`
    select fm.uid, fm.modseq, fm.flags, m."internalDate", m.size,
      (select array_agg(t.name) from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = m."conversationId") as tags
    from "Folder" f join "FolderMessage" fm on fm."folderId" = f.id join "Message" m on m.id = fm."messageId"
    where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])
      and fm.uid = any(${input.uids}::int[])
    order by fm.uid`;
  return rows.map((row) => ({ ...toEntryState(row), internalDate: row.internalDate, size: row.size }));
}

/** Header blocks are read from this many first bytes; a longer one is read whole. */
const HEADER_SLICE = 8 * 1024;

/** The header block of each message, up to and including the empty line (or the whole message when it has none). */
export async function entryHeaders(input: FolderRef & { uids: readonly number[] }): Promise<Map<number, Buffer>> {
  // Bytes as text, not bytea, whose hex form Node decodes slowly (server/mail-store/read-blob.ts).
  const [rows, decode] = await queryBlobText(
    `substring(b.bytes from 1 for ${HEADER_SLICE})`,
    (head) => sql.$queryRaw<{ uid: number; head: string; size: number }[]>`
      select fm.uid, ${head} as head, b.size
      from "Folder" f join "FolderMessage" fm on fm."folderId" = f.id join "Message" m on m.id = fm."messageId"
      join "Blob" b on b.sha256 = m."blobSha256"
      where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])
        and fm.uid = any(${input.uids}::int[])`,
    { whole: false },
  );
  const out = new Map<number, Buffer>();
  const longer: number[] = [];
  for (const row of rows) {
    const head = decode(row.head);
    const end = headerEnd(head);
    if (end !== null) out.set(row.uid, head.subarray(0, end));
    else if (head.length >= row.size) out.set(row.uid, head);
    else longer.push(row.uid);
  }
  for (const uid of longer) {
    const whole = await entryBytes({ ...input, uid });
    if (!whole) continue;
    out.set(uid, whole.subarray(0, headerEnd(whole) ?? whole.length));
  }
  return out;
}

function headerEnd(bytes: Buffer): number | null {
  if (bytes.subarray(0, 2).toString("latin1") === "\r\n") return 2;
  const at = bytes.indexOf("\r\n\r\n");
  return at < 0 ? null : at + 4;
}

async function entryBytes(input: FolderRef & { uid: number }): Promise<Buffer | null> {
  const [rows, decode] = await queryBlobText(
    "b.bytes",
    (bytes) =>
      sql.$queryRaw<{ bytes: string }[]>`
      select ${bytes} as bytes from "Folder" f join "FolderMessage" fm on fm."folderId" = f.id
      join "Message" m on m.id = fm."messageId" join "Blob" b on b.sha256 = m."blobSha256"
      where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[]) and fm.uid = ${input.uid}::int`,
  );
  const [row] = rows;
  return row ? decode(row.bytes) : null;
}

/** Messages up to this size come in one piece; larger ones in slices, so a 50 MB message never sits in memory whole. */
const BODY_SLICE = BLOB_SLICE_OCTETS;

export interface EntryContent {
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

/**
 * Whole messages of these UIDs in one query (a FETCH batch): small ones come
 * with their bytes (as text, see server/mail-store/read-blob.ts), larger
 * ones are read in slices when streamed. UIDs expunged meanwhile are missing
 * from the map.
 */
export async function entryContents(
  input: FolderRef & { uids: readonly number[] },
): Promise<Map<number, EntryContent>> {
  const [rows, decode] = await queryBlobText(
    "b.bytes",
    (bytes) =>
      sql.$queryRaw<{ uid: number; sha256: string; size: number; bytes: string | null }[]>`
      select fm.uid, b.sha256, b.size, case when b.size <= ${BODY_SLICE}::int then ${bytes} end as bytes
      from "Folder" f join "FolderMessage" fm on fm."folderId" = f.id
      join "Message" m on m.id = fm."messageId" join "Blob" b on b.sha256 = m."blobSha256"
      where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])
        and fm.uid = any(${input.uids}::int[])`,
  );
  return new Map(
    rows.map((row) => [row.uid, content(row.sha256, row.size, row.bytes === null ? null : decode(row.bytes))]),
  );
}

function content(sha256: string, size: number, bytes: Buffer | null): EntryContent {
  return {
    size,
    async *chunks() {
      if (bytes) {
        yield bytes;
        return;
      }
      yield* readBlobChunks(sha256, BODY_SLICE);
    },
  };
}
