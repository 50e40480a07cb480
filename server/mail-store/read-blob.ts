// Reads a stored message for a client that streams it (POP3 RETR and TOP;
// IMAP FETCH BODY[] can use it too): the usual message in one round trip,
// a large one in slices, so that a 50 MB attachment never sits in memory
// whole and TOP, which stops after a few lines, reads only the first slice.
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
  const [head] = await sql.$queryRaw<{ size: number; bytes: Buffer | null }[]>`
    select size, case when size <= ${sliceOctets}::int then bytes end as bytes from "Blob" where sha256 = ${sha256}`;
  if (!head) throw new BlobMissing(sha256);
  if (head.bytes) {
    yield head.bytes;
    return;
  }
  // PostgreSQL reads a slice of a TOASTed value without fetching (or, for a
  // compressed one, decompressing past) what lies after it.
  for (let offset = 0; offset < head.size; offset += sliceOctets) {
    const [slice] = await sql.$queryRaw<{ bytes: Buffer }[]>`
      select substring(bytes from ${offset + 1}::int for ${sliceOctets}::int) as bytes from "Blob" where sha256 = ${sha256}`;
    if (!slice) throw new BlobMissing(sha256);
    yield slice.bytes;
  }
}
