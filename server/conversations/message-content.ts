// Message parts served to the browser: sanitised HTML for the sandboxed
// iframe, attachments for download, and the raw source. Each checks that the
// user belongs to the message's mailbox; otherwise it answers null (404).

import { authorizeMailbox } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { extractAttachment } from "../mime/extract-attachment.ts";
import type { AttachmentInfo } from "../mime/parse-message.ts";
import { sanitizeHtml } from "../mime/sanitize-html.ts";

async function readableMessage(userId: number, messageId: number) {
  const message = await db().message.findUnique({
    where: { id: messageId },
    select: { id: true, mailboxId: true, htmlBody: true, attachments: true, blobSha256: true },
  });
  if (!message || !(await authorizeMailbox({ userId: userId, mailboxId: message.mailboxId }))) return null;
  return message;
}

export async function messageHtml(input: { userId: number; messageId: number; allowRemoteImages: boolean }) {
  const message = await readableMessage(input.userId, input.messageId);
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

export async function messageAttachment(input: { userId: number; messageId: number; index: number }) {
  const message = await readableMessage(input.userId, input.messageId);
  if (!message) return null;
  const raw = await getBlob(message.blobSha256);
  return raw ? extractAttachment(raw, input.index) : null;
}

export async function messageSource(input: { userId: number; messageId: number }) {
  const message = await readableMessage(input.userId, input.messageId);
  return message ? getBlob(message.blobSha256) : null;
}
