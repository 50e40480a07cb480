// The rules a composition obeys before it is sent or held for approval: the
// same for both, so a held reply can never be one that could not be sent.
// Recipients parse and stay within MAX_RECIPIENTS, attachments (uploaded and
// carried from a forwarded original) within MAX_COMPOSE_ATTACHMENT_BYTES,
// and the stale-send guard: a message that arrived in the conversation after
// the composer opened holds the send with a conflict unless the writer
// confirms (confirmNewActivity).
import type { AuthorizedMessage } from "../access/gate.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_RECIPIENTS } from "../limits.ts";
import { getBlob } from "../mail-store/store-blob.ts";
import { extractAttachment } from "../mime/extract-attachment.ts";
import { type ListedAddress, parseAddressList } from "./address-list.ts";
import type { Composition, StaleSendGuard } from "./compose-input.ts";
import { draftWithSource, type ReplyDraft } from "./reply-draft.ts";

export const NEW_ACTIVITY_MESSAGE = "New activity since you started — review and send";

export interface OutgoingAttachment {
  filename: string;
  contentType?: string;
  content: Buffer;
}

export interface ValidComposition {
  /** Threading headers and the conversation, from the stored message (never from the browser). */
  draft: ReplyDraft;
  to: ListedAddress[];
  cc: ListedAddress[];
  bcc: ListedAddress[];
  /** The forwarded original's carried attachments, then the uploaded ones. */
  attachments: OutgoingAttachment[];
  /** The conversation's newest message id now (a held reply's own stale-send guard). */
  newestMessageId: number;
}

function addresses(field: string | undefined, label: string): ListedAddress[] {
  const parsed = parseAddressList(field ?? "");
  if (!parsed.ok) throw new InputError(`${label}: "${parsed.bad}" is not an email address`);
  return parsed.list;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function validateComposition(input: {
  /** The message answered or forwarded, as the gate authorised it for the writer. */
  message: AuthorizedMessage;
  composition: Composition;
  guard?: StaleSendGuard;
}): Promise<ValidComposition> {
  const { composition } = input;
  const found = await draftWithSource({ message: input.message, mode: composition.mode });
  if (!found) throw new InputError("no such message", "not_found");
  const { draft, blobSha256 } = found;

  const newest = await db().message.aggregate({
    where: { conversationId: draft.conversationId },
    _max: { id: true },
  });
  const newestMessageId = newest._max.id ?? 0;
  const seen = input.guard?.seenMessageId;
  if (seen !== undefined && !input.guard?.confirmNewActivity && newestMessageId > seen) {
    throw new InputError(NEW_ACTIVITY_MESSAGE, "conflict");
  }

  const to = addresses(composition.to, "To");
  const cc = addresses(composition.cc, "Cc");
  const bcc = addresses(composition.bcc, "Bcc");
  if (to.length === 0) throw new InputError("To: add at least one recipient");
  if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
    throw new InputError(`at most ${MAX_RECIPIENTS} recipients per message`);
  }

  const carried: OutgoingAttachment[] = [];
  const wanted = composition.mode === "forward" ? new Set(composition.forwardAttachments) : new Set<number>();
  const original = draft.attachments.filter((a) => wanted.has(a.index));
  if (original.length) {
    const raw = await getBlob(blobSha256);
    for (const a of original) {
      const part = raw ? await extractAttachment(raw, a.index) : null;
      if (!part) throw new InputError(`the attachment ${a.filename ?? a.index + 1} could not be read`);
      carried.push({
        filename: part.filename ?? `attachment-${a.index + 1}`,
        contentType: part.contentType,
        content: part.content,
      });
    }
  }
  const uploaded = composition.attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType || undefined,
    content: Buffer.from(a.base64, "base64"),
  }));
  const attachments = [...carried, ...uploaded];
  const total = attachments.reduce((n, a) => n + a.content.length, 0);
  if (total > MAX_COMPOSE_ATTACHMENT_BYTES) {
    throw new InputError(`attachments are too large: ${mb(total)}, at most ${mb(MAX_COMPOSE_ATTACHMENT_BYTES)}`);
  }
  return { draft, to, cc, bcc, attachments, newestMessageId };
}
