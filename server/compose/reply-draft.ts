// What the composer starts from when a member answers or forwards a message:
// recipients, subject, quoted history, and the headers that thread the answer
// (RFC 5322 §3.6.4). The send path reads the same draft, so In-Reply-To and
// References always come from the stored message, never from the browser.

import type { AuthorizedMessage } from "../access/gate.ts";
import { db } from "../db.ts";
import { MAX_REFERENCES } from "../limits.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { readTopLevelHeaders } from "../mime/message-structure.ts";
import type { AttachmentInfo } from "../mime/parse-message.ts";
import { decodedAddresses } from "../mime/top-level-headers.ts";
import { signatureFor } from "../signatures/signatures.ts";
import { formatAddressList, type ListedAddress } from "./address-list.ts";
import type { ComposeMode } from "./compose-input.ts";
import { forwardHeader, replyAttribution, type WriterPreferences } from "./quote-header.ts";

export interface ReplyDraft {
  conversationId: number;
  from: ListedAddress;
  to: ListedAddress[];
  cc: ListedAddress[];
  subject: string;
  /** The quoted (reply) or forwarded (forward) original, to go below what the member writes. */
  quoted: string;
  inReplyTo: string | null;
  references: string[];
  /** Forward only: the original's attachments, carried along unless removed. */
  attachments: Pick<AttachmentInfo, "index" | "filename" | "contentType" | "size">[];
  /** "-- \n" + the mailbox's and the writer's signatures, or "" (signatures.ts); goes above the quote. */
  signature: string;
}

// Prefixes of answers and of forwards in the languages our customers write
// (normalize-subject.ts knows the same words, for threading).
const REPLY_PREFIX = /^\s*(?:re|aw|sv|vs|antw|rif|r|返信|回复)\s*(?:\[\d+\])?\s*[:：]\s*/iu;
const FORWARD_PREFIX = /^\s*(?:fwd?|wg|tr|転送|转发)\s*[:：]\s*/iu;

/** "Re: x" once, however many Re:/返信: the original had; likewise "Fwd: x". Keeps any [#id] token. */
export function draftSubject(subject: string, mode: ComposeMode): string {
  const [prefix, pattern] = mode === "forward" ? ["Fwd: ", FORWARD_PREFIX] : ["Re: ", REPLY_PREFIX];
  let bare = subject.trim();
  for (let i = 0; i < 20 && pattern.test(bare); i++) bare = bare.replace(pattern, "");
  return `${prefix}${bare}`;
}

function who(name: string, address: string): string {
  return name ? `${name} <${address}>` : address;
}

/** RFC 3676-style quoting: "> " before each line, ">" before an already quoted one. */
export function quoteText(input: { text: string; date: Date; sender: string; writer?: WriterPreferences }): string {
  const lines = input.text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const quoted = lines.map((line) => (line.startsWith(">") ? `>${line}` : `> ${line}`).trimEnd());
  return `${replyAttribution(input.date, input.sender, input.writer)}\n${quoted.join("\n")}\n`;
}

function forwardText(input: {
  text: string;
  date: Date;
  sender: string;
  subject: string;
  to: ListedAddress[];
  cc: ListedAddress[];
  writer?: WriterPreferences;
}): string {
  const head = forwardHeader(
    { ...input, to: formatAddressList(input.to), cc: formatAddressList(input.cc) },
    input.writer,
  );
  return `${head.join("\n")}\n\n${input.text.replace(/\r\n?/g, "\n").replace(/\n+$/, "")}\n`;
}

function uniqueExcept(list: ListedAddress[], own: Set<string>): ListedAddress[] {
  const seen = new Set(own);
  return list.filter((a) => {
    const key = a.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The draft for answering or forwarding one message the caller was
 * authorised for; null when the message is in no conversation (the same
 * answer as a missing one).
 */
export async function replyDraft(input: DraftInput): Promise<ReplyDraft | null> {
  return (await draftWithSource(input))?.draft ?? null;
}

interface DraftInput {
  message: AuthorizedMessage;
  mode: ComposeMode;
  /** The member who writes: their own signature follows the mailbox's. */
  userId?: number;
  /** The writer's UI language and time zone for the quote header; none: English and UTC. */
  writer?: WriterPreferences;
}

/** The draft and the stored original it was made from (for the send path, which carries its attachments). */
export async function draftWithSource(input: DraftInput): Promise<{ draft: ReplyDraft; blobSha256: string } | null> {
  const message = await db().message.findFirst({
    where: { id: input.message.messageId, mailboxId: input.message.mailboxId, conversationId: { not: null } },
    select: {
      conversationId: true,
      direction: true,
      blobSha256: true,
      messageIdHeader: true,
      references: true,
      subject: true,
      fromAddress: true,
      fromName: true,
      toAddresses: true,
      ccAddresses: true,
      date: true,
      internalDate: true,
      textBody: true,
      attachments: true,
      mailbox: { select: { address: true, displayName: true, aliases: { select: { address: true } } } },
    },
  });
  if (!message?.conversationId) return null;
  const { mailbox } = message;
  const own = new Set([mailbox.address, ...mailbox.aliases.map((a) => a.address)].map((a) => a.toLowerCase()));
  const from = { name: message.fromName, address: message.fromAddress };
  const to = message.toAddresses as ListedAddress[];
  const cc = message.ccAddresses as ListedAddress[];

  let replyTo: ListedAddress[] = [];
  if (input.mode !== "forward") {
    // Reply-To is not kept in the row: read it from the stored message's own header.
    const raw = await getBlob(message.blobSha256);
    replyTo = raw ? decodedAddresses(readTopLevelHeaders(raw), "reply-to") : [];
  }
  // Answering our own sent message goes to the people it went to, as mail clients do.
  const ours = message.direction === "outbound" || own.has(from.address.toLowerCase());
  const primary = ours ? to : replyTo.length ? replyTo : from.address ? [from] : [];
  const draftTo = input.mode === "forward" ? [] : uniqueExcept(primary, own);
  const draftCc =
    input.mode === "reply_all"
      ? uniqueExcept([...to, ...cc], new Set([...own, ...draftTo.map((a) => a.address.toLowerCase())]))
      : [];

  const date = message.date ?? message.internalDate;
  const sender = who(from.name, from.address) || "unknown sender";
  const text = message.textBody ?? "";
  const attachments = (message.attachments as AttachmentInfo[])
    .filter((a) => !a.inline)
    .map(({ index, filename, contentType, size }) => ({ index, filename, contentType, size }));
  const chain = message.messageIdHeader ? [...message.references, message.messageIdHeader] : message.references;

  const draft: ReplyDraft = {
    conversationId: message.conversationId,
    from: { name: mailbox.displayName, address: mailbox.address },
    to: draftTo,
    cc: draftCc,
    subject: draftSubject(message.subject, input.mode),
    quoted:
      input.mode === "forward"
        ? forwardText({ text, date, sender, subject: message.subject, to, cc, writer: input.writer })
        : quoteText({ text, date, sender, writer: input.writer }),
    // A forward is a new message to someone else, but References keeps our
    // copy in this conversation (find-thread.ts).
    inReplyTo: input.mode === "forward" ? null : message.messageIdHeader,
    references: [...new Set(chain)].slice(-MAX_REFERENCES),
    attachments: input.mode === "forward" ? attachments : [],
    signature: await signatureFor({ mailboxId: input.message.mailboxId, userId: input.userId ?? null }),
  };
  return { draft, blobSha256: message.blobSha256 };
}
