// A held reply (Approval, 確認者) as stored and as shown. Two kinds wait in
// the same queue: a composition from the browser's composer (kept as the
// composer sent it, so a returned one opens in the composer again), and a
// message a mail client submitted over SMTP (kept as its exact bytes in
// Blob, with what the reviewer is shown read from it once at hold time).
import type { ComposeMode, Composition } from "../compose/compose-input.ts";
import { type HeldAttachment, heldAttachments, type OriginalAttachments } from "./held-attachments.ts";

/** The composer's input, kept until a reviewer decides. Rows held before `source` existed have none. */
export type HeldComposition = Composition & {
  source?: "composer";
  /** The conversation's newest message id when the reply was held (the approval's stale-send guard). */
  heldAfterMessageId: number;
};

/** A message submitted over SMTP; its bytes are PendingReply.blobSha256. */
export interface HeldSubmission {
  source: "submission";
  /** The SMTP envelope, replayed on approval. */
  mailFrom: string;
  recipients: string[];
  /** The session's mailbox-scoped app password, if any: approval sends under the same grant. */
  scopeMailboxId: number | null;
  /** What the reviewer and the author are shown, read from the message when it was held. */
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  attachmentNames: string[];
  /** The attachments with their parse index (held since attachments could be previewed). */
  attachments?: { index: number; filename: string; contentType: string; size: number }[];
  heldAfterMessageId: number;
}

export type HeldPayload = HeldComposition | HeldSubmission;

export type PendingState = "pending" | "approved" | "returned";

export interface PendingReplyView {
  id: number;
  conversationId: number;
  mailboxId: number;
  state: PendingState;
  /** Written in the composer, or submitted by a mail client. */
  source: "composer" | "submission";
  author: { id: number; name: string; email: string };
  reviewer: { id: number; name: string } | null;
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  sentMessageId: number | null;
  /** The message answered (composer), or the conversation's newest when held (submission): "edit and resend" opens there. */
  messageId: number;
  mode: ComposeMode;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  attachmentNames: string[];
  /** What the reviewer checks: each attachment's name, type and size, opened by index (held-attachments.ts). */
  attachments: HeldAttachment[];
}

export interface PendingReplyRow {
  id: number;
  conversationId: number;
  mailboxId: number;
  authorId: number;
  authorName: string;
  authorEmail: string;
  payload: HeldPayload;
  state: PendingState;
  reviewerId: number | null;
  reviewerName: string | null;
  comment: string | null;
  sentMessageId: number | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** The columns of PendingReplyRow, with author and reviewer names; append a where clause. */
export const PENDING_REPLY_SELECT = `
  select p.id, p."conversationId", p."mailboxId", p."authorId", a.name as "authorName", a.email as "authorEmail",
    p.payload, p.state::text as state, p."reviewerId", r.name as "reviewerName", p.comment, p."sentMessageId",
    p."createdAt", p."decidedAt"
  from "PendingReply" p join "User" a on a.id = p."authorId" left join "User" r on r.id = p."reviewerId"`;

/** `originals`: the attachment lists of the messages forwarded from (forwardedOriginals). */
export function pendingReplyView(r: PendingReplyRow, originals?: OriginalAttachments): PendingReplyView {
  const p = r.payload;
  const common = {
    id: r.id,
    conversationId: r.conversationId,
    mailboxId: r.mailboxId,
    state: r.state,
    author: { id: r.authorId, name: r.authorName, email: r.authorEmail },
    reviewer: r.reviewerId !== null ? { id: r.reviewerId, name: r.reviewerName ?? "" } : null,
    comment: r.comment,
    createdAt: r.createdAt,
    decidedAt: r.decidedAt,
    sentMessageId: r.sentMessageId,
    subject: p.subject,
    text: p.text,
    attachments: heldAttachments(p, originals),
  };
  if (p.source === "submission") {
    return {
      ...common,
      source: "submission",
      messageId: p.heldAfterMessageId,
      mode: "reply",
      to: p.to,
      cc: p.cc,
      bcc: p.bcc,
      attachmentNames: p.attachmentNames,
    };
  }
  return {
    ...common,
    source: "composer",
    messageId: p.messageId,
    mode: p.mode,
    to: p.to,
    cc: p.cc ?? "",
    bcc: p.bcc ?? "",
    attachmentNames: (p.attachments ?? []).map((a) => a.filename),
  };
}
