// Raw messages are stored once, by content: every recipient's Message row
// points at the same Blob. PostgreSQL is the default store (DESIGN.md "Blob");
// the functions here are the seam where an S3-compatible store can go.
import { createHash } from "node:crypto";
import type { RawSql } from "../db/raw-sql.ts";
import { db } from "../db.ts";

export function blobKey(raw: Buffer): string {
  return createHash("sha256").update(raw).digest("hex");
}

export async function putBlob(tx: RawSql, raw: Buffer): Promise<string> {
  const sha256 = blobKey(raw);
  await tx.$queryRaw`insert into "Blob" (sha256, size, bytes) values (${sha256}, ${raw.length}, ${raw})
    on conflict (sha256) do nothing`;
  return sha256;
}

export async function getBlob(sha256: string): Promise<Buffer | null> {
  const blob = await db().blob.findUnique({ where: { sha256 }, select: { bytes: true } });
  return blob ? Buffer.from(blob.bytes) : null;
}
