import { createHash } from "node:crypto";
import type { AddressObject, Attachment, EmailAddress, ParsedMail } from "mailparser";
import { contentHash } from "./content-hash.ts";
import type { HeaderField } from "./header-block.ts";
import { htmlToPlainText } from "./html-to-plain-text.ts";
import type { MessageDefect } from "./message-defects.ts";
import { type MessageStructure, readStructure } from "./message-structure.ts";
import { runMailparser } from "./run-mailparser.ts";
import { withoutNulDeep } from "./storable-text.ts";
import { type Address, decodedAddresses, decodedSubject } from "./top-level-headers.ts";
import { readTraceHeaders, type TraceHeaders } from "./trace-headers.ts";

export type { Address } from "./top-level-headers.ts";

export type AttachmentInfo = {
  /** Position in the message's attachment list; the key for extractAttachment(). */
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** Shown inside the HTML body (multipart/related, or inline with a Content-ID). */
  inline: boolean;
  sha256: string;
};

export type ParsedMessage = TraceHeaders & {
  subject: string;
  fromAddress: string;
  fromName: string;
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  textBody: string | null;
  /** The sender's HTML as received: never render it without sanitize-html.ts. */
  htmlBody: string | null;
  snippet: string;
  attachments: AttachmentInfo[];
  /** True when there is an attachment that is not an inline image. */
  hasAttachments: boolean;
  /** SHA-256 (hex) of the raw bytes after the header/body separator. */
  bodyHash: string;
  /** SHA-256 (hex) of the whole message but its trace fields (content-hash.ts): what an identical redelivery shares. */
  contentHash: string;
  /** Why the message could not be parsed; it is then stored and shown raw. */
  parseError: string | null;
  /** How the message breaks the format, when it does; it is shown as a careful client shows it. */
  malformed: MessageDefect | null;
};

const SNIPPET_CHARS = 200;

export type ParseOptions = { timeoutMs?: number };

/**
 * Parses an inbound message for storage and display. Never throws: a message
 * over the limits in server/limits.ts, or one mailparser cannot read in time,
 * comes back with parseError set and what its raw header block still tells.
 * No text in the result holds U+0000 (storable-text.ts).
 */
export async function parseMessage(raw: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  return parseStructure(readStructure(raw), options);
}

/** The same, from a message already read (message-structure.ts). */
export async function parseStructure(structure: MessageStructure, options: ParseOptions = {}): Promise<ParsedMessage> {
  const { raw, headers } = structure;
  // The subject is always decoded here rather than by mailparser, which reads
  // raw UTF-8 header bytes as latin1 and trims them, so a subject ending in
  // "①" (E2 91 A0) loses its last byte to the trim of U+00A0.
  const base = {
    ...readTraceHeaders(headers),
    subject: decodedSubject(headers),
    bodyHash: createHash("sha256").update(raw.subarray(structure.bodyStart)).digest("hex"),
    contentHash: contentHash(raw, structure.headerEnd, structure.bodyStart),
    malformed: structure.defects[0] ?? null,
  };
  const { mail, error } = await runMailparser(structure, options.timeoutMs);
  return withoutNulDeep(mail ? fromMailparser(base, mail) : fromHeaders(base, headers, error));
}

type Base = Pick<ParsedMessage, keyof TraceHeaders | "subject" | "bodyHash" | "contentHash" | "malformed">;

/** What the header fields still tell when mailparser refused the message. */
function fromHeaders(base: Base, headers: HeaderField[], error: string | null): ParsedMessage {
  const from = decodedAddresses(headers, "from")[0];
  return {
    ...base,
    fromAddress: from?.address ?? "",
    fromName: from?.name ?? "",
    to: decodedAddresses(headers, "to"),
    cc: decodedAddresses(headers, "cc"),
    replyTo: decodedAddresses(headers, "reply-to"),
    textBody: null,
    htmlBody: null,
    snippet: "",
    attachments: [],
    hasAttachments: false,
    parseError: error,
  };
}

function fromMailparser(base: Base, mail: ParsedMail): ParsedMessage {
  const from = sender(mail.from);
  const htmlBody = typeof mail.html === "string" ? mail.html : null;
  const textBody = mail.text || (htmlBody ? htmlToPlainText(htmlBody) : null);
  const attachments = mail.attachments.map(describeAttachment);
  return {
    ...base,
    date: mail.date ?? base.date,
    fromAddress: from?.address ?? "",
    fromName: from?.name ?? "",
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    textBody,
    htmlBody,
    snippet: (textBody ?? "").replace(/\s+/g, " ").trim().slice(0, SNIPPET_CHARS),
    attachments,
    hasAttachments: attachments.some((attachment) => !attachment.inline),
    parseError: null,
  };
}

function addresses(field: ParsedMail["to"]): Address[] {
  return entries(field)
    .filter((entry) => entry.address)
    .map((entry) => ({ address: (entry.address as string).toLowerCase(), name: entry.name }));
}

/**
 * The first sender with an address, or else the first with only a display
 * name: a bounce says "From: MAILER DAEMON <>" (RFC 5321 §4.5.5's null
 * reverse-path shown as an address), and the name is all there is to show.
 */
function sender(field: ParsedMail["from"]): Address | undefined {
  const named = entries(field).find((entry) => entry.name);
  return addresses(field)[0] ?? (named ? { address: "", name: named.name } : undefined);
}

function entries(field: ParsedMail["to"]): EmailAddress[] {
  const objects: AddressObject[] = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value).flatMap((entry) => (entry.group ? entry.group : [entry]));
}

function describeAttachment(attachment: Attachment, index: number): AttachmentInfo {
  const contentId = attachment.contentId?.replace(/^<|>$/g, "") || null;
  return {
    index,
    filename: attachment.filename ?? null,
    contentType: attachment.contentType,
    size: attachment.size,
    contentId,
    inline: attachment.related === true || (attachment.contentDisposition === "inline" && contentId !== null),
    sha256: attachment.checksum,
  };
}
