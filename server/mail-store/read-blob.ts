// Reads stored messages for clients that stream them (POP3 RETR and TOP;
// IMAP FETCH BODY[] can use it too). The usual message comes in one round
// trip, several in one when a client downloads in order (readBlobs); a large
// one comes in slices, so that a 50 MB attachment never sits in memory whole
// and TOP, which stops after a few lines, reads only the first slice.
//
// Bytes travel as text, because node-postgres turns every column into a
// string (its binary mode too) and bytea's text form is hex: twice the size
// on the wire, and Node 20 decodes hex about five times slower than base64
// (112 µs against 23 µs for 10 KB). Several whole blobs (readBlobs) come
// as convert_from(bytes, 'UTF8'): in a UTF-8 database that is no conversion
// at all, only PostgreSQL's check that the bytes are valid UTF-8, and
// Buffer.from(text, 'utf8') gives back the same bytes, since valid UTF-8
// decodes and encodes losslessly. Mail is mostly ASCII or UTF-8, so that is
// the usual way; it costs PostgreSQL about a quarter less CPU than the
// latin1 form below (bench:pop3, docs/benchmarks.md). Bytes that are not
// valid UTF-8 (a legacy 8-bit charset, say) fail that check with a data
// exception, and the batch is asked again as convert_from(bytes, 'LATIN1'),
// one character per byte, which Buffer.from(text, 'latin1') turns back into
// the same bytes; slices of large blobs go that way from the start, as a
// slice boundary can split a UTF-8 sequence. A NUL byte cannot be in a
// PostgreSQL text value at all (nor can some bytes in a database whose
// encoding is not UTF-8): such a read fails too and is asked again as
// base64, whose newlines Buffer.from skips.
// The seam for another BlobStore (DESIGN.md "Blob") is here and store-blob.ts.
import { SqlText, sql } from "../db/raw-sql.ts";

/** Messages up to this size come in one piece; larger ones in slices of this size. */
export const BLOB_SLICE_OCTETS = 1024 * 1024;

export class BlobMissing extends Error {
  constructor(sha256: string) {
    super(`blob ${sha256} is not stored`);
  }
}

/** A data exception (SQLSTATE class 22): the bytes cannot be text here, so ask again as base64. */
function notText(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22");
}

/** The blob's bytes in order; throws BlobMissing before the first chunk when there is no such blob. */
export async function* readBlobChunks(sha256: string, sliceOctets = BLOB_SLICE_OCTETS): AsyncGenerator<Buffer> {
  // `bytes` is only detoasted when the case selects it: a large blob costs nothing here.
  const [head] = await sql.$queryRaw<{ size: number; small: boolean }[]>`
    select size, size <= ${sliceOctets}::int as small from "Blob" where sha256 = ${sha256}`;
  if (!head) throw new BlobMissing(sha256);
  // PostgreSQL reads a slice of a TOASTed value without fetching (or, for a
  // compressed one, decompressing past) what lies after it.
  for (let offset = 0; offset < head.size; offset += sliceOctets) {
    const length = head.small ? head.size : sliceOctets;
    yield await readSlice(sha256, offset, length);
  }
}

async function readSlice(sha256: string, offset: number, length: number): Promise<Buffer> {
  try {
    const [slice] = await sql.$queryRaw<{ text: string }[]>`
      select convert_from(substring(bytes from ${offset + 1}::int for ${length}::int), 'LATIN1') as text
      from "Blob" where sha256 = ${sha256}`;
    if (!slice) throw new BlobMissing(sha256);
    return Buffer.from(slice.text, "latin1");
  } catch (error) {
    if (!notText(error)) throw error;
    const [slice] = await sql.$queryRaw<{ base64: string }[]>`
      select encode(substring(bytes from ${offset + 1}::int for ${length}::int), 'base64') as base64
      from "Blob" where sha256 = ${sha256}`;
    if (!slice) throw new BlobMissing(sha256);
    return Buffer.from(slice.base64, "base64");
  }
}

/**
 * Several whole blobs in one round trip, in the order asked; null for one that
 * is not stored. The caller bounds the total (sizes are known from Message.size).
 */
export async function readBlobs(sha256s: readonly string[]): Promise<(Buffer | null)[]> {
  const blobs: (Buffer | null)[] = sha256s.map(() => null);
  const [rows, decode] = await queryBlobText(
    "b.bytes",
    (text) =>
      sql.$queryRaw<{ position: number; text: string }[]>`
      select k.position::int as position, ${text} as text
      from unnest(${sha256s}::text[]) with ordinality as k(sha256, position)
      join "Blob" b on b.sha256 = k.sha256`,
  );
  for (const row of rows) blobs[row.position - 1] = decode(row.text);
  return blobs;
}

interface BlobTextForm {
  sql(column: string): SqlText;
  decode(text: string): Buffer;
}

const UTF8_FORM: BlobTextForm = {
  sql: (column) => new SqlText(`convert_from(${column}, 'UTF8')`),
  decode: (text) => Buffer.from(text, "utf8"),
};
const LATIN1_FORM: BlobTextForm = {
  sql: (column) => new SqlText(`convert_from(${column}, 'LATIN1')`),
  decode: (text) => Buffer.from(text, "latin1"),
};
const BASE64_FORM: BlobTextForm = {
  sql: (column) => new SqlText(`encode(${column}, 'base64')`),
  decode: (text) => Buffer.from(text, "base64"),
};

/**
 * Runs a query that selects blob bytes as text, in the forms described at
 * the top of this file, one after the other while the bytes cannot be that
 * form: `run` gets the expression for `column` (a column name of the
 * query's own, never input) and the caller decodes each value with the
 * returned function. `whole: false` for a slice (substring of the bytes),
 * which may cut a UTF-8 sequence: it starts with the latin1 form.
 */
export async function queryBlobText<T>(
  column: string,
  run: (text: SqlText) => PromiseLike<T>,
  options: { whole?: boolean } = {},
): Promise<[T, (text: string) => Buffer]> {
  const forms = options.whole === false ? [LATIN1_FORM, BASE64_FORM] : [UTF8_FORM, LATIN1_FORM, BASE64_FORM];
  for (let i = 0; ; i++) {
    const form = forms[i] as BlobTextForm;
    try {
      return [await run(form.sql(column)), form.decode];
    } catch (error) {
      if (!notText(error) || i === forms.length - 1) throw error;
    }
  }
}
