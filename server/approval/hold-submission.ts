// Holding a message a mail client submitted (SMTP AUTH, port 587/465) as a
// mailbox whose mail from this member needs approval: the exact bytes the
// client sent go to Blob and wait in the same review queue as a composer
// reply; nothing is stored as sent or queued. The held message joins the
// conversation it answers — found by the same threading as any stored copy
// (reply token, References, subject token), inside the sending mailbox — so
// members see it there and the reviewer has the context. A message that
// answers no conversation of the mailbox cannot be reviewed in context: it
// is refused (550 5.7.1) with a text that says why, and nothing is kept.

import type { AuthorizedMailboxId } from "../access/gate.ts";
import { formatAddressList } from "../compose/address-list.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { putBlob } from "../mail-store/store-blob.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { normalizeLineEndings } from "../outbound/line-endings.ts";
import { findThread } from "../threading/find-thread.ts";
import type { HeldSubmission } from "./held-reply.ts";
import { type Held, insertHeld } from "./hold-reply.ts";

export type HeldSubmissionResult =
  | ({ ok: true } & Held)
  | { ok: false; code: number; enhanced: string; message: string };

export async function holdSubmission(input: {
  authorId: number;
  /** The sending mailbox whose mail from this author needs approval. */
  mailboxId: AuthorizedMailboxId;
  mailboxAddress: string;
  /** Exactly as the client sent it. */
  raw: Buffer;
  mailFrom: string;
  recipients: string[];
  scopeMailboxId: number | null;
  now: Date;
}): Promise<HeldSubmissionResult> {
  const parsed = await parseMessage(normalizeLineEndings(input.raw));
  const thread = await findThread(sql, {
    mailboxId: input.mailboxId,
    ownMessageId: parsed.messageIdHeader,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    contactId: null,
    now: input.now,
  });
  const conversationId = thread.conversationId;
  if (conversationId === null) {
    // RFC 3463 X.7.1: not authorised to send this message as it is.
    return {
      ok: false,
      code: 550,
      enhanced: "5.7.1",
      message:
        `Mail you send as <${input.mailboxAddress}> needs a reviewer's approval, and this message answers ` +
        "no conversation it could wait in: nothing was sent. Reply within a conversation, or write it in Yubin",
    };
  }
  const [newest] = await sql.$queryRaw<{ id: number | null }[]>`
    select max(id) as id from "Message" where "conversationId" = ${conversationId}::int`;
  const shown = new Set([...parsed.to, ...parsed.cc].map((a) => a.address.toLowerCase()));
  const payload: HeldSubmission = {
    source: "submission",
    mailFrom: input.mailFrom,
    recipients: input.recipients,
    scopeMailboxId: input.scopeMailboxId,
    to: formatAddressList(parsed.to),
    cc: formatAddressList(parsed.cc),
    bcc: input.recipients.filter((r) => !shown.has(r.toLowerCase())).join(", "),
    subject: parsed.subject,
    text: parsed.textBody ?? "",
    attachmentNames: parsed.attachments.filter((a) => !a.inline).map((a) => a.filename ?? "attachment"),
    attachments: parsed.attachments
      .filter((a) => !a.inline)
      .map((a) => ({
        index: a.index,
        filename: a.filename ?? "attachment",
        contentType: a.contentType,
        size: a.size,
      })),
    heldAfterMessageId: newest?.id ?? 0,
  };
  const held = await sqlTransaction(async (tx) =>
    insertHeld(tx, {
      conversationId,
      mailboxId: input.mailboxId,
      authorId: input.authorId,
      payload,
      blobSha256: await putBlob(tx, input.raw),
    }),
  );
  return { ok: true, ...held };
}
