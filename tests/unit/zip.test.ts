// The zip writer and reader: what the writer makes, Python's zipfile (a real
// unzip) and our reader open byte for byte, also when continued after a cut
// and past 65,535 entries (ZIP64); hostile zips — names that climb out,
// entries that inflate far beyond what they declare, entries sharing data —
// are bounded and refused.
import { execFileSync } from "node:child_process";
import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { NotZip, readZipDirectory, readZipEntry, unsafeName } from "../../server/transfer/zip-reader.ts";
import { ZipWriter } from "../../server/transfer/zip-writer.ts";
import { scratchDir } from "../support/yubin-process.ts";

const dir = scratchDir("zip-unit-");
const when = new Date(Date.UTC(2024, 4, 6, 7, 8, 10));

function python(file: string): { names: string[]; bad: string | null; sizes: number[] } {
  const out = execFileSync(
    "python3",
    [
      "-c",
      "import zipfile,sys,json; z=zipfile.ZipFile(sys.argv[1]); bad=z.testzip(); print(json.dumps({'names': z.namelist()[:5] + ([z.namelist()[-1]] if len(z.namelist())>5 else []), 'count': len(z.namelist()), 'bad': bad, 'sizes': [len(z.read(n)) for n in z.namelist()[:5]]}))",
      file,
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const { count, ...parsed } = JSON.parse(out) as {
    names: string[];
    bad: string | null;
    sizes: number[];
    count: number;
  };
  return { ...parsed, names: count > 5 ? [...parsed.names, String(count)] : parsed.names };
}

async function readAll(file: string): Promise<{ name: string; data: string }[]> {
  const handle = await open(file, "r");
  try {
    const entries = await readZipDirectory(handle);
    const out: { name: string; data: string }[] = [];
    for (const entry of entries) {
      const read = await readZipEntry(handle, entry, 1024 * 1024);
      if (!read.ok) throw new Error(read.detail);
      out.push({ name: entry.name, data: read.data.toString("utf8") });
    }
    return out;
  } finally {
    await handle.close();
  }
}

interface RawEntry {
  name: string;
  stored: Buffer;
  method: number;
  crc: number;
  size: number;
  /** Point the directory record at another entry's local header. */
  sameOffsetAs?: number;
}

/** A zip put together by hand, sizes and offsets as given (for the hostile cases). */
function handMadeZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt32LE(e.crc, 14);
    h.writeUInt32LE(e.stored.length, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    locals.push(h, name, e.stored);
    offset += 30 + name.length + e.stored.length;
  }
  const central: Buffer[] = [];
  for (const [i, e] of entries.entries()) {
    const name = Buffer.from(e.name);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.stored.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offsets[e.sameOffsetAs ?? i] as number, 42);
    central.push(c, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe("ZipWriter", () => {
  it("writes stored entries that Python's zipfile and our reader open byte for byte", async () => {
    const file = path.join(dir, "plain.zip");
    const zip = await ZipWriter.open(file);
    await zip.add("00000001.eml", Buffer.from("Subject: one\r\n\r\nbody\r\n"), when);
    await zip.add("日本語.eml", Buffer.from("Subject: 二\r\n\r\n本文\r\n"), when);
    await zip.add("empty.eml", Buffer.alloc(0), when);
    await zip.finish();
    expect(python(file)).toEqual({ names: ["00000001.eml", "日本語.eml", "empty.eml"], bad: null, sizes: [22, 24, 0] });
    const entries = await readAll(file);
    expect(entries.map((e) => e.name)).toEqual(["00000001.eml", "日本語.eml", "empty.eml"]);
    expect(entries[1]?.data).toBe("Subject: 二\r\n\r\n本文\r\n");
  });

  it("continues a zip cut short after its last synced entry", async () => {
    const file = path.join(dir, "resumed.zip");
    const first = await ZipWriter.open(file);
    await first.add("a.eml", Buffer.from("A\r\n"), when);
    await first.add("b.eml", Buffer.from("B\r\n"), when);
    await first.sync();
    const length = first.length;
    await first.add("half-written.eml", Buffer.from("never committed"), when);
    await first.close();
    const again = await ZipWriter.open(file, length);
    expect(again.count).toBe(2);
    await again.add("c.eml", Buffer.from("C\r\n"), when);
    await again.finish();
    expect(python(file).names).toEqual(["a.eml", "b.eml", "c.eml"]);
    expect((await readAll(file)).map((e) => e.data)).toEqual(["A\r\n", "B\r\n", "C\r\n"]);
    await expect(ZipWriter.open(file, length - 1)).rejects.toThrow(/does not end with a whole entry/);
  });

  it("adds ZIP64 records past 65,535 entries", { timeout: 60_000 }, async () => {
    const file = path.join(dir, "many.zip");
    const zip = await ZipWriter.open(file);
    const data = Buffer.from("x");
    for (let i = 0; i < 66_000; i++) await zip.add(`${i}.eml`, data, when);
    await zip.finish();
    expect(python(file).names.at(-1)).toBe("66000");
    const handle = await open(file, "r");
    try {
      expect((await readZipDirectory(handle)).length).toBe(66_000);
    } finally {
      await handle.close();
    }
  });
});

describe("reading a hostile zip", () => {
  it("names unsafe names", () => {
    expect(unsafeName("../../etc/cron.d/evil.eml")).toMatch(/climbs out/);
    expect(unsafeName("mail/..\\..\\x.eml")).toMatch(/climbs out/);
    expect(unsafeName("/etc/passwd.eml")).toMatch(/absolute/);
    expect(unsafeName("C:\\Windows\\x.eml")).toMatch(/absolute/);
    expect(unsafeName("inbox/2024/a..b.eml")).toBeNull();
  });

  it("stops an entry that inflates beyond the limit, whatever it declares", async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x41);
    const bomb = deflateRawSync(huge);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const file = path.join(dir, "bomb.zip");
    await writeFile(
      file,
      handMadeZip([
        { name: "lies.eml", stored: bomb, method: 8, crc: 0, size: 100 },
        { name: "honest.eml", stored: bomb, method: 8, crc: crc32(huge) >>> 0, size: huge.length },
      ]),
    );
    const handle = await open(file, "r");
    try {
      const [lies, honest] = await readZipDirectory(handle);
      const started = Date.now();
      expect(await readZipEntry(handle, lies as never, 1024 * 1024)).toEqual({
        ok: false,
        reason: "too_large",
        detail: "it inflates to more than 1048576 bytes",
      });
      expect(await readZipEntry(handle, honest as never, 1024 * 1024)).toMatchObject({
        ok: false,
        reason: "too_large",
      });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await handle.close();
    }
  });

  it("refuses entries that share their data (overlapping zip bomb) and files that are no zip", async () => {
    const data = deflateRawSync(Buffer.from("Subject: x\r\n\r\nx\r\n"));
    const entry = { stored: data, method: 8, crc: 0, size: 17 };
    const file = path.join(dir, "overlap.zip");
    await writeFile(
      file,
      handMadeZip([
        { name: "a.eml", ...entry },
        { name: "b.eml", ...entry, sameOffsetAs: 0 },
      ]),
    );
    const notZip = path.join(dir, "not.zip");
    await writeFile(notZip, "PK\x03\x04 but nothing after");
    for (const [name, message] of [
      [file, /overlap/],
      [notZip, /no end of central directory/],
    ] as const) {
      const handle = await open(name, "r");
      try {
        const attempt = readZipDirectory(handle);
        await expect(attempt).rejects.toBeInstanceOf(NotZip);
        await expect(attempt).rejects.toThrow(message);
      } finally {
        await handle.close();
      }
    }
  });
});
