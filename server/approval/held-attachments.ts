// The attachments of a held reply, so that a reviewer can check them before
// approving (the wrong attachment is the most common mis-send). A composer
// reply keeps them as the composer sent them (base64 in the payload); a
// submitted message keeps its exact bytes, whose attachments are read again
// by their parse index. Reading one needs the same authority as seeing the
// held reply: membership of its conversation's mailbox (review-queues.ts);
// anything else is "no such attachment", like a held reply that does not exist.

import { isDatabaseId } from "../access/database-id.ts";
import { authorizeConversation } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { type ExtractedAttachment, extractAttachment } from "../mime/extract-attachment.ts";
import type { HeldPayload } from "./held-reply.ts";

export interface HeldAttachment {
  /** Null: held before attachments were indexed (a submission's names only); it cannot be opened. */
  index: number | null;
  filename: string;
  contentType: string;
  /** Bytes; null when unknown. */
  size: number | null;
}

/** The size of base64 text once decoded, without decoding it. */
function base64Size(text: string): number {
  const clean = text.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

export function heldAttachments(payload: HeldPayload): HeldAttachment[] {
  if (payload.source === "submission") {
    if (payload.attachments) return payload.attachments;
    return payload.attachmentNames.map((filename) => ({
      index: null,
      filename,
      contentType: "application/octet-stream",
      size: null,
    }));
  }
  return (payload.attachments ?? []).map((a, index) => ({
    index,
    filename: a.filename,
    contentType: a.contentType || "application/octet-stream",
    size: base64Size(a.base64),
  }));
}

export async function heldReplyAttachment(input: {
  userId: number;
  pendingReplyId: number;
  index: number;
}): Promise<ExtractedAttachment | null> {
  if (!isDatabaseId(input.pendingReplyId)) return null;
  const [row] = await sql.$queryRaw<{ conversationId: number; payload: HeldPayload; blobSha256: string | null }[]>`
    select "conversationId", payload, "blobSha256" from "PendingReply" where id = ${input.pendingReplyId}::int`;
  if (!row) return null;
  if (!(await authorizeConversation({ userId: input.userId, conversationId: row.conversationId }))) return null;
  const listed = heldAttachments(row.payload).find((a) => a.index === input.index);
  if (!listed) return null;
  const p = row.payload;
  if (p.source === "submission") {
    const raw = row.blobSha256 ? await getBlob(row.blobSha256) : null;
    return raw ? extractAttachment(raw, input.index) : null;
  }
  const part = p.attachments?.[input.index];
  if (!part) return null;
  return { filename: part.filename, contentType: listed.contentType, content: Buffer.from(part.base64, "base64") };
}
