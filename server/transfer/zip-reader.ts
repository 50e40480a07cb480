// Reads the .eml files of an uploaded or named zip, with every size bounded:
// the zip is hostile until proven otherwise (README "Limits").
//   - The central directory (APPNOTE.TXT 4.3.12, ZIP64 4.3.14) is read whole,
//     at most MAX_ZIP_DIRECTORY_BYTES and MAX_IMPORT_ENTRIES entries.
//   - Entries whose data overlap are refused as a whole file: that is how a
//     small zip bomb makes many entries out of the same compressed bytes.
//   - An entry is inflated with an output limit (the message size limit), so
//     a few KiB that inflate to gigabytes stop at 50 MiB and are reported; its
//     CRC-32 and size are checked against the directory.
//   - Names are never used as paths: nothing is extracted to disk. A name with
//     ".." segments, an absolute path or a drive letter is still reported as
//     unsafe and skipped, since no honest export has one.
import type { FileHandle } from "node:fs/promises";
import { promisify } from "node:util";
import { crc32, inflateRaw } from "node:zlib";
import { MAX_IMPORT_ENTRIES, MAX_ZIP_DIRECTORY_BYTES } from "../limits.ts";

const inflate = promisify(inflateRaw);

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of its local header. */
  offset: number;
}

export class NotZip extends Error {}

export type EntryRead = { ok: true; data: Buffer } | { ok: false; reason: "too_large" | "unreadable"; detail: string };

/** The central directory's entries, in their order. Throws NotZip for anything that is not a sound zip. */
export async function readZipDirectory(file: FileHandle): Promise<ZipEntry[]> {
  const { size: fileSize } = await file.stat();
  // The end record is the last 22 bytes, unless a comment (at most 64 KiB) follows it.
  const tailLength = Math.min(fileSize, 22 + MAX16);
  const tail = Buffer.alloc(tailLength);
  await file.read(tail, 0, tailLength, fileSize - tailLength);
  let at = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_DIRECTORY && i + 22 + tail.readUInt16LE(i + 20) === tailLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new NotZip("not a zip file: it has no end of central directory");
  let count = tail.readUInt16LE(at + 10);
  let directorySize = tail.readUInt32LE(at + 12);
  let directoryOffset = tail.readUInt32LE(at + 16);
  const endOffset = fileSize - tailLength + at;
  if (count === MAX16 || directorySize === MAX32 || directoryOffset === MAX32) {
    const locator = Buffer.alloc(20);
    if (endOffset < 20) throw new NotZip("not a zip file: its ZIP64 locator is missing");
    await file.read(locator, 0, 20, endOffset - 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new NotZip("not a zip file: its ZIP64 locator is missing");
    const recordOffset = Number(locator.readBigUInt64LE(8));
    const record = Buffer.alloc(56);
    if (recordOffset + 56 > fileSize) throw new NotZip("not a zip file: its ZIP64 end record is out of bounds");
    await file.read(record, 0, 56, recordOffset);
    if (record.readUInt32LE(0) !== ZIP64_END) throw new NotZip("not a zip file: its ZIP64 end record is missing");
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (count > MAX_IMPORT_ENTRIES) {
    throw new NotZip(`the zip has ${count} entries; at most ${MAX_IMPORT_ENTRIES} can be imported at once`);
  }
  if (directorySize > MAX_ZIP_DIRECTORY_BYTES) throw new NotZip("the zip's central directory is too large");
  if (directoryOffset + directorySize > endOffset) throw new NotZip("not a zip file: its directory is out of bounds");
  const directory = Buffer.alloc(directorySize);
  await file.read(directory, 0, directorySize, directoryOffset);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (entries.length < count) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL_HEADER) {
      throw new NotZip("not a zip file: its central directory is damaged");
    }
    const flags = directory.readUInt16LE(p + 8);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) throw new NotZip("not a zip file: its central directory is damaged");
    const nameBytes = directory.subarray(p + 46, p + 46 + nameLength);
    let compressedSize = directory.readUInt32LE(p + 20);
    let size = directory.readUInt32LE(p + 24);
    let offset = directory.readUInt32LE(p + 42);
    // APPNOTE 4.5.3: the ZIP64 extra field holds, in order, only the fields that are 0xFFFFFFFF.
    const extra = directory.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const length = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + length) throw new NotZip("not a zip file: a ZIP64 field is damaged");
          const value = Number(extra.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (size === MAX32) size = take();
        if (compressedSize === MAX32) compressedSize = take();
        if (offset === MAX32) offset = take();
      }
      e += 4 + length;
    }
    entries.push({
      // Bit 11: UTF-8; otherwise CP437, of which ASCII (all a name here should hold) is the same.
      name: flags & 0x0800 ? nameBytes.toString("utf8") : nameBytes.toString("latin1"),
      method: directory.readUInt16LE(p + 10),
      flags,
      crc: directory.readUInt32LE(p + 16),
      compressedSize,
      size,
      offset,
    });
    p = next;
  }
  // Each entry's local header and data must lie before the next entry's and before the directory.
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  for (const [i, entry] of byOffset.entries()) {
    const limit = byOffset[i + 1]?.offset ?? directoryOffset;
    if (entry.offset + 30 + entry.compressedSize > limit) {
      throw new NotZip("the zip's entries overlap (the shape of a zip bomb): refused");
    }
  }
  return entries;
}

/** Why the entry's name is not one an export would write, or null. */
export function unsafeName(name: string): string | null {
  if (name.includes("\0")) return "its name holds a NUL character";
  if (/^[/\\]/.test(name) || /^[a-zA-Z]:/.test(name)) return "its name is an absolute path";
  if (name.split(/[/\\]/).includes("..")) return 'its name climbs out of the folder ("..")';
  return null;
}

/** An entry's bytes, at most `maxBytes` of them once inflated. */
export async function readZipEntry(file: FileHandle, entry: ZipEntry, maxBytes: number): Promise<EntryRead> {
  if (entry.flags & 0x0001) return { ok: false, reason: "unreadable", detail: "it is encrypted" };
  if (entry.method !== 0 && entry.method !== 8) {
    return { ok: false, reason: "unreadable", detail: `it is compressed with method ${entry.method}` };
  }
  if (entry.size > maxBytes) {
    return { ok: false, reason: "too_large", detail: `${entry.size} bytes; the limit is ${maxBytes}` };
  }
  // Deflate never grows data by more than a few bytes per 16 KiB block.
  if (entry.compressedSize > maxBytes + Math.ceil(maxBytes / 16384) * 5 + 64) {
    return { ok: false, reason: "too_large", detail: `${entry.compressedSize} bytes compressed` };
  }
  const header = Buffer.alloc(30);
  await file.read(header, 0, 30, entry.offset);
  if (header.readUInt32LE(0) !== LOCAL_HEADER) {
    return { ok: false, reason: "unreadable", detail: "its local header is missing" };
  }
  const dataStart = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const compressed = Buffer.alloc(entry.compressedSize);
  const { bytesRead } = await file.read(compressed, 0, entry.compressedSize, dataStart);
  if (bytesRead !== entry.compressedSize) return { ok: false, reason: "unreadable", detail: "it is cut short" };
  let data: Buffer;
  if (entry.method === 0) data = compressed;
  else {
    try {
      data = await inflate(compressed, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
        return { ok: false, reason: "too_large", detail: `it inflates to more than ${maxBytes} bytes` };
      }
      return { ok: false, reason: "unreadable", detail: `its data is damaged (${(error as Error).message})` };
    }
  }
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc) {
    return { ok: false, reason: "unreadable", detail: "its data does not match its checksum" };
  }
  return { ok: true, data };
}
