// What an import reads: an mbox file, a zip of .eml files, or a folder of
// them. detectImportSource names the format (or says clearly why the file is
// none of them); importItems yields its messages from a saved position on, so
// a job taken up again goes on where its last committed batch ended.
// Positions: in an mbox, the byte offset of the next message's From_ line; in
// a zip or a folder, the number of entries done (in the zip's directory
// order, or the folder's paths sorted).
import { lstat, open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.ts";
import { MAX_IMPORT_ENTRIES, MAX_MESSAGE_BYTES } from "../limits.ts";
import { blankBytes, withCrlf } from "./line-endings.ts";
import { fromLineDate, NotMbox, readMbox } from "./mbox-reader.ts";
import { NotZip, readZipDirectory, readZipEntry, unsafeName } from "./zip-reader.ts";

export type ImportFormat = "mbox" | "eml-zip" | "eml-dir";

export interface ImportSource {
  format: ImportFormat;
  /** Bytes of the file (a folder: its .eml files together). */
  bytes: number;
  mtime: Date;
  /** What progress counts to: bytes of an mbox, entries of a zip or folder. */
  total: number;
}

export type SkipReason = "too_large" | "empty" | "not_eml" | "unsafe_name" | "unreadable" | "store_failed";

export interface ImportItem {
  /** Where this item starts (resume here to read it again) and where the next one does. */
  position: number;
  next: number;
  /** "byte 1234" in an mbox, the entry's name in a zip or folder. */
  location: string;
  raw: Buffer | null;
  /** Why it is not stored (raw is null then). */
  problem: { reason: SkipReason; detail: string } | null;
  /** The From_ line's date in an mbox: the message's arrival time. */
  receivedAt: Date | null;
}

const ZIP_MAGIC = Buffer.from("PK\x03\x04", "latin1");
const EMPTY_ZIP = Buffer.from("PK\x05\x06", "latin1");

/** The format of what `file` names, or an InputError that says why it cannot be imported. */
export async function detectImportSource(file: string): Promise<ImportSource> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new InputError(`${file}: no such file or folder`, "not_found");
  }
  if (info.isDirectory()) {
    const files = await folderEntries(file);
    const sizes = await Promise.all(files.map(async (f) => (await lstat(path.join(file, f))).size));
    return { format: "eml-dir", bytes: sizes.reduce((a, b) => a + b, 0), mtime: info.mtime, total: files.length };
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file or a folder`);
  if (info.size === 0) throw new InputError(`${file} is empty: there is nothing to import`);
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(Math.min(info.size, 64 * 1024));
    await handle.read(head, 0, head.length, 0);
    if (head.subarray(0, 4).equals(ZIP_MAGIC) || head.subarray(0, 4).equals(EMPTY_ZIP)) {
      try {
        const entries = await readZipDirectory(handle);
        return { format: "eml-zip", bytes: info.size, mtime: info.mtime, total: entries.length };
      } catch (error) {
        if (error instanceof NotZip) throw new InputError(`${file}: ${error.message}`);
        throw error;
      }
    }
    // An mbox begins with its first From_ line (blank lines before it are tolerated).
    const text = head.toString("latin1").replace(/^(?:\r?\n)+/, "");
    if (!text.startsWith("From ")) {
      throw new InputError(
        `${file} is not an mbox file (it does not start with a "From " line) nor a zip of .eml files`,
      );
    }
    return { format: "mbox", bytes: info.size, mtime: info.mtime, total: info.size };
  } finally {
    await handle.close();
  }
}

/** The items of the source from `position` on. */
export function importItems(
  source: { format: ImportFormat; path: string },
  position: number,
): AsyncGenerator<ImportItem> {
  if (source.format === "mbox") return mboxItems(source.path, position);
  if (source.format === "eml-zip") return zipItems(source.path, position);
  return folderItems(source.path, position);
}

async function* mboxItems(file: string, position: number): AsyncGenerator<ImportItem> {
  try {
    for await (const message of readMbox(file, { start: position, maxMessageBytes: MAX_MESSAGE_BYTES })) {
      const tooLarge = message.raw === null;
      const empty = message.raw !== null && blankBytes(message.raw);
      yield {
        position: message.start,
        next: message.end,
        location: `byte ${message.start}`,
        raw: tooLarge || empty ? null : message.raw,
        problem: tooLarge
          ? { reason: "too_large", detail: `${message.size} bytes; the limit is ${MAX_MESSAGE_BYTES}` }
          : empty
            ? { reason: "empty", detail: "a From_ line with no message after it" }
            : null,
        receivedAt: fromLineDate(message.fromLine),
      };
    }
  } catch (error) {
    if (error instanceof NotMbox) throw new InputError(`${path.basename(file)}: ${error.message}`);
    throw error;
  }
}

async function* zipItems(file: string, position: number): AsyncGenerator<ImportItem> {
  const handle = await open(file, "r");
  try {
    let entries: Awaited<ReturnType<typeof readZipDirectory>>;
    try {
      entries = await readZipDirectory(handle);
    } catch (error) {
      if (error instanceof NotZip) throw new InputError(`${path.basename(file)}: ${error.message}`);
      throw error;
    }
    for (let index = position; index < entries.length; index++) {
      const entry = entries[index] as (typeof entries)[number];
      const item = { position: index, next: index + 1, location: entry.name, receivedAt: null };
      const skip = (reason: SkipReason, detail: string): ImportItem => ({
        ...item,
        raw: null,
        problem: { reason, detail },
      });
      const unsafe = unsafeName(entry.name);
      if (unsafe) {
        yield skip("unsafe_name", unsafe);
        continue;
      }
      if (entry.name.endsWith("/") || ignoredName(entry.name)) {
        yield { ...item, raw: null, problem: null };
        continue;
      }
      if (!/\.eml$/i.test(entry.name)) {
        yield skip("not_eml", "only .eml files are imported from a zip");
        continue;
      }
      const read = await readZipEntry(handle, entry, MAX_MESSAGE_BYTES);
      if (!read.ok) yield skip(read.reason, read.detail);
      else if (blankBytes(read.data)) yield skip("empty", "the file is empty");
      else yield { ...item, raw: withCrlf(read.data), problem: null };
    }
  } finally {
    await handle.close();
  }
}

/** Files a zip or folder carries that are not mail and not worth a report (macOS resource forks, dot files). */
function ignoredName(name: string): boolean {
  return name.split(/[/\\]/).some((part) => part === "__MACOSX" || part.startsWith("."));
}

/** The folder's files (relative paths, sorted), dot files and their folders left out. */
async function folderEntries(folder: string): Promise<string[]> {
  const all = (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((d) => !d.isDirectory())
    .map((d) => path.relative(folder, path.join(d.parentPath ?? (d as { path: string }).path, d.name)))
    .filter((name) => !ignoredName(name))
    .sort();
  if (all.length > MAX_IMPORT_ENTRIES) {
    throw new InputError(`${folder} has ${all.length} files; at most ${MAX_IMPORT_ENTRIES} can be imported at once`);
  }
  return all;
}

async function* folderItems(folder: string, position: number): AsyncGenerator<ImportItem> {
  const names = await folderEntries(folder);
  for (let index = position; index < names.length; index++) {
    const name = names[index] as string;
    const item = { position: index, next: index + 1, location: name, receivedAt: null };
    const skip = (reason: SkipReason, detail: string): ImportItem => ({
      ...item,
      raw: null,
      problem: { reason, detail },
    });
    const full = path.join(folder, name);
    // A symbolic link is not followed: it could point anywhere on the server.
    const info = await lstat(full).catch(() => null);
    if (!info?.isFile()) {
      yield skip("unreadable", info?.isSymbolicLink() ? "a symbolic link, not followed" : "not a regular file");
      continue;
    }
    if (!/\.eml$/i.test(name)) {
      yield skip("not_eml", "only .eml files are imported from a folder");
      continue;
    }
    if (info.size > MAX_MESSAGE_BYTES) {
      yield skip("too_large", `${info.size} bytes; the limit is ${MAX_MESSAGE_BYTES}`);
      continue;
    }
    const data = await readFile(full).catch(() => null);
    if (data === null) yield skip("unreadable", "it could not be read");
    else if (blankBytes(data)) yield skip("empty", "the file is empty");
    else yield { ...item, raw: withCrlf(data), problem: null };
  }
}
