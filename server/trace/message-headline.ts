// The two header fields a trace shows and searches: Message-ID and the
// decoded Subject, read from the top of the raw message without a full parse
// (the trace runs after the reply, but it should not cost a second mailparser run).
import { MAX_HEADER_BYTES } from "../limits.ts";
import { parseHeaderFields, splitHeaderBlock } from "../mime/header-block.ts";
import { decodedSubject } from "../mime/top-level-headers.ts";

export interface Headline {
  messageIdHeader: string | null;
  subject: string | null;
}

export function messageHeadline(raw: Uint8Array): Headline {
  const { headerEnd } = splitHeaderBlock(raw, 0, Math.min(raw.length, MAX_HEADER_BYTES));
  // UTF-8 as RFC 6532 allows; encoded-words (RFC 2047) are decoded after.
  const fields = parseHeaderFields(Buffer.from(raw.subarray(0, headerEnd)).toString("utf8"));
  const id = fields.find((f) => f.name === "message-id")?.value ?? null;
  const messageIdHeader = id ? id.replace(/^\s*<|>\s*$/g, "").trim() || null : null;
  const hasSubject = fields.some((f) => f.name === "subject");
  return { messageIdHeader, subject: hasSubject ? decodedSubject(fields) : null };
}
