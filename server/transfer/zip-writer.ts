// A zip of stored (uncompressed) entries, written entry by entry to a file:
// each entry's local header carries its CRC-32 and sizes (the data is in hand
// before it is written), so nothing but the central directory's small records
// is kept in memory, and a file cut short after any whole entry can be opened
// again and continued: the entries are found again by walking the local
// headers (reopen). ZIP64 records are added when there are 65,535 entries or
// more or the file passes 4 GiB (APPNOTE.TXT 4.3.14, 4.5.3); entries
// themselves are messages, far below 4 GiB. Names are UTF-8 (flag bit 11).
// Mail compresses well, but the point of the zip is a byte-exact copy that
// every unzip opens, streamed; stored entries keep it simple and resumable.

import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { crc32 } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const UTF8_NAMES = 0x0800;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

interface Entry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

/** MS-DOS time and date (local fields, 2-second steps; written in UTC here). */
function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getUTCFullYear(), 1980), 2107);
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  };
}

export class ZipWriter {
  /** Where the next write goes. */
  private writeAt: number;

  private constructor(
    private readonly file: FileHandle,
    private readonly entries: Entry[],
    private offset: number,
  ) {
    this.writeAt = offset;
  }

  /**
   * A new zip at `path`, or the one there continued after its first
   * `length` bytes (what an earlier writer had written and synced): anything
   * after is cut off, and the entries before are read back from their headers.
   */
  static async open(path: string, length = 0): Promise<ZipWriter> {
    const file = await open(path, length > 0 ? "r+" : "w");
    try {
      await file.truncate(length);
      const entries = length > 0 ? await readLocalHeaders(file, length) : [];
      return new ZipWriter(file, entries, length);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Bytes written so far (entries only, until finish). */
  get length(): number {
    return this.offset;
  }

  get count(): number {
    return this.entries.length;
  }

  async add(name: string, data: Buffer, modified: Date): Promise<void> {
    const nameBytes = Buffer.from(name, "utf8");
    const { time, date } = dosDateTime(modified);
    const crc = crc32(data) >>> 0;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0
    header.writeUInt16LE(UTF8_NAMES, 6);
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.write([header, nameBytes, data]);
    this.entries.push({ name: nameBytes, crc, size: data.length, offset: this.offset, time, date });
    this.offset += header.length + nameBytes.length + data.length;
  }

  /** Flushes what was written to the disk: the length now is safe to resume from. */
  async sync(): Promise<void> {
    await this.file.sync();
  }

  /** Writes the central directory and the end records, syncs and closes the file. */
  async finish(): Promise<number> {
    const directoryOffset = this.offset;
    let directorySize = 0;
    let records: Buffer[] = [];
    for (const entry of this.entries) {
      const zip64 = entry.offset >= MAX32;
      const record = Buffer.alloc(46 + (zip64 ? 12 : 0));
      record.writeUInt32LE(CENTRAL_HEADER, 0);
      record.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, 4.5
      record.writeUInt16LE(zip64 ? 45 : 20, 6);
      record.writeUInt16LE(UTF8_NAMES, 8);
      record.writeUInt16LE(0, 10);
      record.writeUInt16LE(entry.time, 12);
      record.writeUInt16LE(entry.date, 14);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(entry.size, 20);
      record.writeUInt32LE(entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      record.writeUInt16LE(zip64 ? 12 : 0, 30);
      record.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      record.writeUInt32LE(zip64 ? MAX32 : entry.offset, 42);
      if (zip64) {
        // APPNOTE 4.5.3: the ZIP64 extra field holds only the values that overflowed.
        record.writeUInt16LE(0x0001, 46);
        record.writeUInt16LE(8, 48);
        record.writeBigUInt64LE(BigInt(entry.offset), 50);
      }
      records.push(record.subarray(0, 46), entry.name, record.subarray(46));
      directorySize += record.length + entry.name.length;
      if (records.length >= 1536) {
        await this.write(records);
        records = [];
      }
    }
    await this.write(records);
    const endOffset = directoryOffset + directorySize;
    const count = this.entries.length;
    const needs64 = count >= MAX16 || directoryOffset >= MAX32 || directorySize >= MAX32;
    const tail: Buffer[] = [];
    if (needs64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(ZIP64_END, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE((3 << 8) | 45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(directorySize), 40);
      record.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeBigUInt64LE(BigInt(endOffset), 8);
      locator.writeUInt32LE(1, 16);
      tail.push(record, locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_DIRECTORY, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(directorySize, MAX32), 12);
    end.writeUInt32LE(Math.min(directoryOffset, MAX32), 16);
    tail.push(end);
    await this.write(tail);
    const total = endOffset + tail.reduce((n, b) => n + b.length, 0);
    await this.file.sync();
    await this.file.close();
    return total;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private async write(buffers: Buffer[]): Promise<void> {
    // At an explicit position: a file opened to be continued starts at 0. In slices under IOV_MAX.
    for (let i = 0; i < buffers.length; i += 512) {
      const slice = buffers.slice(i, i + 512);
      await this.file.writev(slice, this.writeAt);
      this.writeAt += slice.reduce((n, b) => n + b.length, 0);
    }
  }
}

/** The entries of a zip this writer began, from its local headers up to `length`. */
async function readLocalHeaders(file: FileHandle, length: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  const header = Buffer.alloc(30);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await file.read(header, 0, 30, offset);
    if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) {
      throw new Error(`the zip being continued has no entry at byte ${offset}`);
    }
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const size = header.readUInt32LE(22);
    const name = Buffer.alloc(nameLength);
    await file.read(name, 0, nameLength, offset + 30);
    entries.push({
      name,
      crc: header.readUInt32LE(14),
      size,
      offset,
      time: header.readUInt16LE(10),
      date: header.readUInt16LE(12),
    });
    offset += 30 + nameLength + extraLength + size;
  }
  if (offset !== length) throw new Error(`the zip being continued does not end with a whole entry at byte ${length}`);
  return entries;
}
