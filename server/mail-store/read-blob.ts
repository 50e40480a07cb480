// Reads stored messages for clients that stream them (POP3 RETR and TOP;
// IMAP FETCH BODY[] can use it too). The usual message comes in one round
// trip, several in one when a client downloads in order (readBlobs); a large
// one comes in slices, so that a 50 MB attachment never sits in memory whole
// and TOP, which stops after a few lines, reads only the first slice.
//
// Bytes travel as base64, not as bytea: pg returns bytea in PostgreSQL's hex
// text form, twice the size on the wire, and Node 20 decodes hex about five
// times slower than base64 (measured: 112 µs against 23 µs for 10 KB), which
// made hex decoding alone a third of POP3 RETR's CPU (docs/benchmarks.md).
// pg's binary mode is no way out: it still decodes every column as UTF-8.
// PostgreSQL's base64 has a newline every 76 characters; Buffer.from skips them.
// The seam for another BlobStore (DESIGN.md "Blob") is here and store-blob.ts.
import { sql } from "../db/raw-sql.ts";

/** Messages up to this size come in one piece; larger ones in slices of this size. */
export const BLOB_SLICE_OCTETS = 1024 * 1024;

export class BlobMissing extends Error {
  constructor(sha256: string) {
    super(`blob ${sha256} is not stored`);
  }
}

/** The blob's bytes in order; throws BlobMissing before the first chunk when there is no such blob. */
export async function* readBlobChunks(sha256: string, sliceOctets = BLOB_SLICE_OCTETS): AsyncGenerator<Buffer> {
  // `bytes` is only detoasted when the case selects it: a large blob costs nothing here.
  const [head] = await sql.$queryRaw<{ size: number; base64: string | null }[]>`
    select size, case when size <= ${sliceOctets}::int then encode(bytes, 'base64') end as base64
    from "Blob" where sha256 = ${sha256}`;
  if (!head) throw new BlobMissing(sha256);
  if (head.base64 !== null) {
    yield Buffer.from(head.base64, "base64");
    return;
  }
  // PostgreSQL reads a slice of a TOASTed value without fetching (or, for a
  // compressed one, decompressing past) what lies after it.
  for (let offset = 0; offset < head.size; offset += sliceOctets) {
    const [slice] = await sql.$queryRaw<{ base64: string }[]>`
      select encode(substring(bytes from ${offset + 1}::int for ${sliceOctets}::int), 'base64') as base64
      from "Blob" where sha256 = ${sha256}`;
    if (!slice) throw new BlobMissing(sha256);
    yield Buffer.from(slice.base64, "base64");
  }
}

/**
 * Several whole blobs in one round trip, in the order asked; null for one that
 * is not stored. The caller bounds the total (sizes are known from Message.size).
 */
export async function readBlobs(sha256s: readonly string[]): Promise<(Buffer | null)[]> {
  const rows = await sql.$queryRaw<{ position: number; base64: string }[]>`
    select k.position::int as position, encode(b.bytes, 'base64') as base64
    from unnest(${sha256s}::text[]) with ordinality as k(sha256, position)
    join "Blob" b on b.sha256 = k.sha256`;
  const blobs: (Buffer | null)[] = sha256s.map(() => null);
  for (const row of rows) blobs[row.position - 1] = Buffer.from(row.base64, "base64");
  return blobs;
}
