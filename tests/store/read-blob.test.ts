// The blob reads behind POP3 RETR/TOP (server/mail-store/read-blob.ts) return
// exactly the stored bytes, whatever they are: ASCII, 8-bit Japanese, every
// byte value, and a NUL. They come by binary COPY (copyOutBinary), which
// splices the keys into its text: a key that is not a hex digest is refused
// before anything reaches PostgreSQL. The cases of almost-UTF-8 bytes and a
// NUL were written for the text forms (UTF-8, then latin1, then base64) these
// reads used before; queryBlobText still uses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyOutBinary, parseBinaryCopy, sql } from "../../server/db/raw-sql.ts";
import { disconnectDb } from "../../server/db.ts";
import { readBlobChunks, readBlobs } from "../../server/mail-store/read-blob.ts";
import { putBlob } from "../../server/mail-store/store-blob.ts";
import { useTestDatabase } from "../support/database.ts";

beforeAll(async () => {
  await useTestDatabase();
});

afterAll(async () => {
  await disconnectDb();
});

const ascii = Buffer.from("Subject: plain\r\n\r\n.leading dot\r\n".repeat(300));
const japanese = Buffer.from(
  "Subject: =?UTF-8?B?5LqI57SE?=\r\nContent-Transfer-Encoding: 8bit\r\n\r\n請求書の再発行をお願いします。\r\n",
  "utf8",
);
const shiftJis = Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x0d, 0x0a, 0x8e, 0x9f, 0x0d, 0x0a]);
const everyByteButNul = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
const withNul = Buffer.concat([Buffer.from("Subject: nul\r\n\r\nbefore"), Buffer.from([0]), Buffer.from("after\r\n")]);

async function store(raw: Buffer): Promise<string> {
  return putBlob(sql, raw);
}

async function chunks(sha256: string, slice?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readBlobChunks(sha256, slice)) parts.push(chunk);
  return Buffer.concat(parts);
}

describe("reading blobs", () => {
  it("returns every kind of content byte for byte, several at once and in order", async () => {
    const raws = [ascii, japanese, shiftJis, everyByteButNul];
    const keys = await Promise.all(raws.map(store));
    const read = await readBlobs([keys[3] as string, "0".repeat(64), ...keys]);
    expect(read[0]?.equals(everyByteButNul)).toBe(true);
    expect(read[1]).toBeNull();
    for (const [i, raw] of raws.entries()) expect(read[i + 2]?.equals(raw), `blob ${i}`).toBe(true);
    for (const [i, key] of keys.entries()) {
      expect((await chunks(key)).equals(raws[i] as Buffer), `blob ${i} whole`).toBe(true);
      expect((await chunks(key, 7)).equals(raws[i] as Buffer), `blob ${i} in slices`).toBe(true);
    }
  });

  it("returns UTF-8 content unchanged the UTF-8 way, edge cases included", async () => {
    const edges = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]), // a byte order mark, which a UTF-8 decoder might drop
      Buffer.from("Subject: 😀 𠮷野家\r\n\r\n", "utf8"), // 4-byte sequences
      Buffer.from([0xef, 0xbf, 0xbe, 0xef, 0xbf, 0xbf]), // the noncharacters U+FFFE and U+FFFF
      Buffer.from([0xf4, 0x8f, 0xbf, 0xbf, 0x0d, 0x0a]), // U+10FFFF, the last code point
    ]);
    const raws = [ascii, japanese, edges];
    const keys = [];
    for (const raw of raws) keys.push(await store(raw));
    const read = await readBlobs(keys);
    expect(read.map((blob, i) => blob?.equals(raws[i] as Buffer))).toEqual([true, true, true]);
  });

  it("returns bytes that are almost UTF-8 unchanged, by the latin1 way", async () => {
    const almost = [
      Buffer.from([0x41, 0xc0, 0xaf, 0x0d, 0x0a]), // an overlong "/"
      Buffer.from([0x41, 0xed, 0xa0, 0x80, 0x0d, 0x0a]), // a UTF-16 surrogate
      Buffer.from([0x41, 0xf4, 0x90, 0x80, 0x80, 0x0d, 0x0a]), // beyond U+10FFFF
      Buffer.from([0x41, 0xe3, 0x81, 0x0d, 0x0a]), // a truncated sequence
    ];
    for (const raw of almost) {
      const key = await store(raw);
      const [alone] = await readBlobs([key]);
      expect(alone?.equals(raw)).toBe(true);
      const inBatch = await readBlobs([await store(japanese), key]);
      expect(inBatch[0]?.equals(japanese)).toBe(true);
      expect(inBatch[1]?.equals(raw)).toBe(true);
    }
  });

  it("returns a blob with a NUL byte (which cannot be text) by the base64 way, alone or in a batch", async () => {
    const nul = await store(withNul);
    const other = await store(japanese);
    const read = await readBlobs([other, nul]);
    expect(read[0]?.equals(japanese)).toBe(true);
    expect(read[1]?.equals(withNul)).toBe(true);
    expect((await chunks(nul)).equals(withNul)).toBe(true);
    expect((await chunks(nul, 5)).equals(withNul)).toBe(true);
  });

  it("returns an empty blob, the same blob twice in a batch, and a batch larger than the size it was told", async () => {
    const empty = await store(Buffer.alloc(0));
    const big = Buffer.alloc(200 * 1024, "x");
    const bigKey = await store(big);
    const other = await store(japanese);
    // expectedOctets far too small: the gathering buffer has to grow, more than once.
    const read = await readBlobs([bigKey, empty, other, bigKey, empty], 10);
    expect(read.map((blob) => blob?.length)).toEqual([big.length, 0, japanese.length, big.length, 0]);
    expect(read[0]?.equals(big) && read[3]?.equals(big)).toBe(true);
    expect(read[2]?.equals(japanese)).toBe(true);
    expect(await readBlobs([])).toEqual([]);
    expect((await chunks(empty)).length).toBe(0);
  });

  it("refuses a key that is not a lowercase hex digest before it reaches PostgreSQL", async () => {
    const other = await store(ascii);
    const hostile = [
      `${"0".repeat(64)}') to stdout; drop table "Blob"; --`,
      "A".repeat(64),
      "0".repeat(63),
      `${"0".repeat(64)}\n`,
      "",
    ];
    for (const key of hostile) {
      await expect(readBlobs([other, key]), JSON.stringify(key)).rejects.toThrow(/not a blob key/);
    }
    const chunkReader = readBlobChunks(`${"0".repeat(64)}'`)[Symbol.asyncIterator]();
    await expect(chunkReader.next()).rejects.toThrow();
    // Still there, and the pool's connections still work.
    expect((await readBlobs([other]))[0]?.equals(ascii)).toBe(true);
  });

  it("reports a failed COPY as an error, and the connection serves the next read", async () => {
    await expect(copyOutBinary(`copy (select 1/0) to stdout (format binary)`)).rejects.toThrow(/division by zero/);
    await expect(copyOutBinary(`copy "Blob" from stdin`)).rejects.toThrow();
    const key = await store(japanese);
    for (let i = 0; i < 12; i++) expect((await readBlobs([key]))[0]?.equals(japanese)).toBe(true);
  });

  it("refuses a binary COPY stream that is not one or is cut short", () => {
    expect(() => parseBinaryCopy(Buffer.from("not a copy stream at all"))).toThrow(/no signature/);
    const header = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
    const row = Buffer.from([0, 1, 0, 0, 0, 5, 0x61, 0x62]); // one field of 5 octets, only 2 there
    expect(() => parseBinaryCopy(Buffer.concat([header, row]))).toThrow(/cut short/);
    expect(() => parseBinaryCopy(header)).toThrow(/cut short/);
    const whole = Buffer.concat([header, Buffer.from([0, 2, 0, 0, 0, 1, 0x61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
    expect(parseBinaryCopy(whole)).toEqual([[Buffer.from("a"), null]]);
  });
});
