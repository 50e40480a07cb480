// The attachments of a held reply, so that a reviewer can check them before
// approving (the wrong attachment is the most common mis-send). A composer
// reply keeps them as the composer sent them (base64 in the payload); a
// submitted message keeps its exact bytes, whose attachments are read again
// by their parse index. Reading one needs the same authority as seeing the
// held reply: membership of its conversation's mailbox (review-queues.ts);
// anything else is "no such attachment", like a held reply that does not exist.

import { isDatabaseId } from "../access/database-id.ts";
import { authorizeConversation, authorizeMessage } from "../access/gate.ts";
import { messageAttachment } from "../conversations/message-content.ts";
import { sql } from "../db/raw-sql.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { type ExtractedAttachment, extractAttachment } from "../mime/extract-attachment.ts";
import type { AttachmentInfo } from "../mime/parse-message.ts";
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

/** A stored message's attachments as parseMessage listed them (Message.attachments). */
export type OriginalAttachments = Map<number, AttachmentInfo[]>;

/**
 * The attachments of a held reply: a composer reply's uploaded files first
 * (index 0…), then what it forwards from the original message (the next
 * indexes, in the order chosen), named as the original names them.
 */
export function heldAttachments(payload: HeldPayload, originals?: OriginalAttachments): HeldAttachment[] {
  if (payload.source === "submission") {
    if (payload.attachments) return payload.attachments;
    return payload.attachmentNames.map((filename) => ({
      index: null,
      filename,
      contentType: "application/octet-stream",
      size: null,
    }));
  }
  const uploaded = (payload.attachments ?? []).map((a, index) => ({
    index,
    filename: a.filename,
    contentType: a.contentType || "application/octet-stream",
    size: base64Size(a.base64),
  }));
  const original = originals?.get(payload.messageId) ?? [];
  const forwarded = (payload.forwardAttachments ?? []).map((part, position) => {
    const info = original.find((a) => a.index === part);
    return {
      index: uploaded.length + position,
      filename: info?.filename ?? `attachment-${part + 1}`,
      contentType: info?.contentType ?? "application/octet-stream",
      size: info?.size ?? null,
    };
  });
  return [...uploaded, ...forwarded];
}

/** The attachment lists of the messages these held replies forward from (one query). */
export async function forwardedOriginals(payloads: HeldPayload[]): Promise<OriginalAttachments> {
  const ids = [
    ...new Set(
      payloads.flatMap((p) => (p.source !== "submission" && p.forwardAttachments?.length ? [p.messageId] : [])),
    ),
  ];
  if (ids.length === 0) return new Map();
  const rows = await sql.$queryRaw<{ id: number; attachments: AttachmentInfo[] }[]>`
    select id, attachments from "Message" where id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r.attachments]));
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
  const p = row.payload;
  if (p.source === "submission") {
    if (!heldAttachments(p).some((a) => a.index === input.index)) return null;
    const raw = row.blobSha256 ? await getBlob(row.blobSha256) : null;
    return raw ? extractAttachment(raw, input.index) : null;
  }
  const uploaded = p.attachments ?? [];
  if (input.index >= uploaded.length) {
    // Forwarded from the original message: read from it, as the approval will send it.
    const part = p.forwardAttachments?.[input.index - uploaded.length];
    if (part === undefined) return null;
    const message = await authorizeMessage({ userId: input.userId, messageId: p.messageId });
    return message ? messageAttachment({ message, index: part }) : null;
  }
  const part = uploaded[input.index];
  if (!part) return null;
  const listed = heldAttachments(p)[input.index] as HeldAttachment;
  return { filename: part.filename, contentType: listed.contentType, content: Buffer.from(part.base64, "base64") };
}
