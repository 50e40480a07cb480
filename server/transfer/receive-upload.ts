// A file uploaded in the browser to be imported: streamed to the data dir as
// it arrives (never held in memory), cut off past MAX_IMPORT_UPLOAD_BYTES,
// checked to be an mbox or a zip of .eml files, and queued as a job that a
// Yubin process on this machine runs. The file is Yubin's: it is removed when
// the import has finished or is removed.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { InputError } from "../errors.ts";
import { MAX_IMPORT_UPLOAD_BYTES } from "../limits.ts";
import { startImport, transfersDir } from "./start-transfer.ts";
import type { TransferJob } from "./transfer-jobs.ts";

export type UploadOutcome = { ok: true; job: TransferJob } | { ok: false; status: 400 | 413; message: string };

const tooLarge = (): UploadOutcome => ({
  ok: false,
  status: 413,
  message: `The file is larger than ${MAX_IMPORT_UPLOAD_BYTES} bytes: import it with "yubin import" on the server.`,
});

class TooLarge extends Error {}

/** The name shown for an uploaded file: its last path part, printable, at most 200 characters. */
export function uploadName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join("")
    .trim()
    .slice(0, 200);
  return clean || "upload";
}

export async function receiveImportUpload(input: {
  body: ReadableStream<Uint8Array> | null;
  /** Content-Length, when the request declared one. */
  declaredBytes: number | null;
  fileName: string;
  mailboxId: AuthorizedMailboxId;
  actorId: number;
  ip?: string | null;
  limit?: number;
}): Promise<UploadOutcome> {
  const limit = input.limit ?? MAX_IMPORT_UPLOAD_BYTES;
  if (input.declaredBytes !== null && input.declaredBytes > limit) return tooLarge();
  if (!input.body) return { ok: false, status: 400, message: "The upload is empty." };
  const dir = await transfersDir();
  const partial = path.join(dir, `upload-${randomUUID()}.part`);
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > limit ? new TooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(input.body), count, createWriteStream(partial, { mode: 0o600 }));
  } catch (error) {
    await unlink(partial).catch(() => {});
    if (error instanceof TooLarge) return tooLarge();
    throw error;
  }
  const file = partial.replace(/\.part$/, ".import");
  await rename(partial, file);
  try {
    const job = await startImport({
      mailboxId: input.mailboxId,
      file,
      fileName: uploadName(input.fileName),
      runner: "worker",
      ownsFile: true,
      actorId: input.actorId,
      ip: input.ip,
    });
    return { ok: true, job };
  } catch (error) {
    await unlink(file).catch(() => {});
    if (error instanceof InputError) {
      // The message names the stored file; the person uploading knows it by its own name.
      return { ok: false, status: 400, message: error.message.replace(file, uploadName(input.fileName)) };
    }
    throw error;
  }
}
