// Reads stored messages for clients that stream them (POP3 RETR and TOP;
// IMAP FETCH BODY[] can use it too). The usual message comes in one round
// trip, several in one when a client downloads in order (readBlobs); a large
// one comes in slices, so that a 50 MB attachment never sits in memory whole
// and TOP, which stops after a few lines, reads only the first slice.
//
// readBlobs and the slices of readBlobChunks come by binary COPY
// (copyOutBinary in server/db/raw-sql.ts): bytea's binary form is the bytes
// themselves, so PostgreSQL sends them as stored and Node slices them out of
// the stream without decoding anything, whatever they are (8-bit charsets,
// NUL). Ordinary result columns cannot do that: node-postgres turns every
// column into a string, its binary mode too.
//
// queryBlobText is for queries that select blob bytes among other columns
// (server/mail-folders/read-messages.ts), where COPY does not fit. Bytes
// travel there as text: bytea's text form is hex, twice the size on the wire,
// and Node 20 decodes hex about five times slower than base64 (112 µs
// against 23 µs for 10 KB). So whole blobs come as convert_from(bytes,
// 'UTF8'): in a UTF-8 database that is no conversion at all, only
// PostgreSQL's check that the bytes are valid UTF-8, and Buffer.from(text,
// 'utf8') gives back the same bytes, since valid UTF-8 decodes and encodes
// losslessly. Bytes that are not valid UTF-8 (a legacy 8-bit charset, say)
// fail that check with a data exception, and the query is asked again as
// convert_from(bytes, 'LATIN1'), one character per byte, which
// Buffer.from(text, 'latin1') turns back into the same bytes; a slice starts
// that way, as a slice boundary can split a UTF-8 sequence. A NUL byte cannot
// be in a PostgreSQL text value at all (nor can some bytes in a database
// whose encoding is not UTF-8): such a read fails too and is asked again as
// base64, whose newlines Buffer.from skips.
// The seam for another BlobStore (DESIGN.md "Blob") is here and store-blob.ts.
import { copyOutBinary, SqlText, sql } from "../db/raw-sql.ts";

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
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) throw new Error("readSlice: bad bounds");
  const [row] = await copyOutBinary(
    `copy (select substring(bytes from ${offset + 1} for ${length}) from "Blob"
      where sha256 = '${blobKey(sha256)}') to stdout (format binary)`,
    length + 64,
  );
  if (!row?.[0]) throw new BlobMissing(sha256);
  return row[0];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** COPY takes no parameters, so keys are spliced into its text: only lowercase hex digests, which cannot be anything else. */
function blobKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a blob key: ${JSON.stringify(sha256.slice(0, 80))}`);
  return sha256;
}

/**
 * Several whole blobs in one round trip, in the order asked; null for one that
 * is not stored. The caller bounds the total (sizes are known from Message.size)
 * and may pass it as `expectedOctets`. They come by binary COPY, the one way
 * node-postgres hands over bytes as they are (copyOutBinary): no text form to
 * produce, check and decode on either side, whatever the bytes.
 */
export async function readBlobs(sha256s: readonly string[], expectedOctets?: number): Promise<(Buffer | null)[]> {
  const blobs: (Buffer | null)[] = sha256s.map(() => null);
  if (sha256s.length === 0) return blobs;
  const keys = sha256s.map((sha256) => `'${blobKey(sha256)}'`).join(",");
  const rows = await copyOutBinary(
    `copy (select k.position::int4, b.bytes
      from unnest(array[${keys}]::text[]) with ordinality as k(sha256, position)
      join "Blob" b on b.sha256 = k.sha256) to stdout (format binary)`,
    (expectedOctets ?? 0) + sha256s.length * 64 + 64,
  );
  for (const [position, bytes] of rows) {
    if (position?.length !== 4) throw new Error("readBlobs: bad position in the COPY stream");
    blobs[position.readInt32BE(0) - 1] = bytes ?? null;
  }
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
