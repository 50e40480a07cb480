// Message parts served to the browser: sanitised HTML for the sandboxed
// iframe, attachments for download, and the raw source — each of a message
// the gate authorised (authorizeMessage, in app/api/messages/message-request.ts).
// A message deleted since answers null (404).

import type { AuthorizedMessage } from "../access/gate.ts";
import { db } from "../db.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { type ExtractedAttachment, extractAttachment, extractAttachments } from "../mime/extract-attachment.ts";
import type { AttachmentInfo } from "../mime/parse-message.ts";
import { sanitizeHtml } from "../mime/sanitize-html.ts";

async function storedMessage(message: AuthorizedMessage) {
  return db().message.findUnique({
    where: { id: message.messageId },
    select: { id: true, htmlBody: true, attachments: true, blobSha256: true },
  });
}

export async function messageHtml(input: { message: AuthorizedMessage; allowRemoteImages: boolean }) {
  const message = await storedMessage(input.message);
  if (!message?.htmlBody) return null;
  const attachments = message.attachments as AttachmentInfo[];
  return sanitizeHtml(message.htmlBody, {
    allowRemoteImages: input.allowRemoteImages,
    cidUrl: (contentId) => {
      const part = attachments.find((a) => a.contentId === contentId);
      return part ? `/api/messages/${message.id}/attachments/${part.index}?inline=1` : null;
    },
  });
}

export async function messageAttachment(input: { message: AuthorizedMessage; index: number }) {
  const message = await storedMessage(input.message);
  if (!message) return null;
  const raw = await getBlob(message.blobSha256);
  return raw ? extractAttachment(raw, input.index) : null;
}

/** Several attachments of one message (the inline images of its HTML), from one parse of the message. */
export async function messageAttachments(input: {
  message: AuthorizedMessage;
  indexes: readonly number[];
}): Promise<Map<number, ExtractedAttachment | null>> {
  const message = input.indexes.length > 0 ? await storedMessage(input.message) : null;
  const raw = message ? await getBlob(message.blobSha256) : null;
  return raw ? extractAttachments(raw, input.indexes) : new Map();
}

export async function messageSource(authorized: AuthorizedMessage) {
  const message = await storedMessage(authorized);
  return message ? getBlob(message.blobSha256) : null;
}
