// One conversation with its messages in order, for a member of its mailbox
// (the gate authorised it).

import type { AuthorizedConversation, AuthorizedMessage } from "../access/gate.ts";
import { db } from "../db.ts";
import type { AttachmentInfo } from "../mime/parse-message.ts";
import { messageTextPreviews } from "./message-text.ts";

export interface ConversationMessage {
  id: number;
  direction: "inbound" | "outbound";
  fromName: string;
  fromAddress: string;
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  subject: string;
  date: Date | null;
  internalDate: Date;
  /** The text body, cut at MAX_DISPLAY_TEXT_CHARS (message-text.ts). */
  textBody: string | null;
  /** Characters of the whole text body: more than textBody has when it was cut. */
  textLength: number;
  hasHtml: boolean;
  /** Its HTML may hold remote images, blocked until the reader asks. */
  remoteImages: boolean;
  attachments: Pick<AttachmentInfo, "index" | "filename" | "contentType" | "size" | "inline">[];
  parseError: string | null;
  /** How the message breaks the format (server/mime/message-defects.ts), or null. */
  malformed: string | null;
  threadReason: string | null;
  /** Who in the team wrote a message Yubin sent ("Bob via Support"); null for received mail. */
  author: { id: number; name: string } | null;
  authentication: { spf?: string; dmarc?: string } | null;
  /** Some folder entry of it is not \Seen (the web's read state is IMAP's, as in the inbox list). */
  unread: boolean;
}

export interface ConversationDetail {
  id: number;
  subject: string;
  status: "open" | "pending" | "closed" | "spam";
  mailbox: { id: number; address: string; displayName: string };
  customer: { name: string; email: string } | null;
  messages: ConversationMessage[];
}

/** Null when the conversation was deleted since it was authorised. */
export async function getConversation(authorized: AuthorizedConversation): Promise<ConversationDetail | null> {
  // The conversation, its messages and their texts need only its id: asked together, not one after another.
  const [conversation, messages] = await Promise.all([
    db().conversation.findUnique({
      where: { id: authorized.conversationId },
      select: {
        id: true,
        subject: true,
        status: true,
        mailbox: { select: { id: true, address: true, displayName: true } },
        contact: { select: { name: true, email: true } },
      },
    }),
    conversationMessages({ conversationId: authorized.conversationId }),
  ]);
  if (!conversation) return null;
  return {
    id: conversation.id,
    subject: conversation.subject,
    status: conversation.status,
    mailbox: conversation.mailbox,
    customer: conversation.contact,
    messages,
  };
}

/**
 * One message of a conversation as the conversation shows it (a collapsed message expanded by
 * the reader: the page sends only its one-line summary). Null for a message in no conversation.
 */
export async function getConversationMessage(authorized: AuthorizedMessage): Promise<ConversationMessage | null> {
  if (authorized.conversationId === null) return null;
  const [message] = await conversationMessages({ conversationId: authorized.conversationId, id: authorized.messageId });
  return message ?? null;
}

async function conversationMessages(where: { conversationId: number; id?: number }): Promise<ConversationMessage[]> {
  // The texts are read beside the rows, by the same condition rather than by the rows' ids.
  const [messages, previews] = await Promise.all([
    db().message.findMany({
      where,
      orderBy: [{ internalDate: "asc" }, { id: "asc" }],
      select: {
        id: true,
        direction: true,
        fromName: true,
        fromAddress: true,
        toAddresses: true,
        ccAddresses: true,
        subject: true,
        date: true,
        internalDate: true,
        attachments: true,
        parseError: true,
        malformed: true,
        threadReason: true,
        authResults: true,
        author: { select: { id: true, name: true, email: true } },
        entries: { select: { flags: true } },
      },
    }),
    messageTextPreviews(where.id === undefined ? { conversationId: where.conversationId } : { ids: [where.id] }),
  ]);
  // A message stored between the two reads has no text yet: read it now.
  const late = messages.filter((m) => !previews.has(m.id)).map((m) => m.id);
  if (late.length > 0) for (const [id, preview] of await messageTextPreviews({ ids: late })) previews.set(id, preview);
  return messages.map((m) => {
    const auth = m.authResults as { spf?: string; dmarc?: { result?: string } } | null;
    const preview = previews.get(m.id);
    return {
      id: m.id,
      direction: m.direction,
      fromName: m.fromName,
      fromAddress: m.fromAddress,
      to: m.toAddresses as ConversationMessage["to"],
      cc: m.ccAddresses as ConversationMessage["cc"],
      subject: m.subject,
      date: m.date,
      internalDate: m.internalDate,
      textBody: preview?.text ?? null,
      textLength: preview?.length ?? 0,
      hasHtml: preview?.hasHtml ?? false,
      remoteImages: preview?.remoteImages ?? false,
      attachments: (m.attachments as AttachmentInfo[]).map(({ index, filename, contentType, size, inline }) => ({
        index,
        filename,
        contentType,
        size,
        inline,
      })),
      parseError: m.parseError,
      malformed: m.malformed,
      threadReason: m.threadReason,
      author: m.author ? { id: m.author.id, name: m.author.name || m.author.email } : null,
      authentication: auth ? { spf: auth.spf, dmarc: auth.dmarc?.result } : null,
      unread: m.entries.some((e) => !e.flags.includes("\\Seen")),
    };
  });
}
