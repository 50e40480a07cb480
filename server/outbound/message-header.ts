// Reading and completing the header of a message we are about to send: the
// From addresses to check against what the user may send as, and the fields
// RFC 5322 §3.6 requires (Date, and Message-ID, which RFC 6409 §8.3 lets a
// submission server add).
import { randomBytes } from "node:crypto";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { headerValue, parseHeaderFields, splitHeaderBlock } from "../mime/header-block.ts";

export interface HeaderInfo {
  /** Lower-cased addresses of the From field(s). */
  from: string[];
  messageId: string | null;
  hasDate: boolean;
}

export function readHeader(raw: Buffer): HeaderInfo {
  const { headerEnd } = splitHeaderBlock(raw);
  const fields = parseHeaderFields(raw.subarray(0, headerEnd).toString("utf8"));
  const from = fields
    .filter((f) => f.name === "from")
    .flatMap((f) => addressparser(f.value, { flatten: true }))
    .map((a) => a.address.trim().toLowerCase())
    .filter(Boolean);
  const messageId = headerValue(fields, "message-id")?.replace(/^<|>$/g, "").trim() || null;
  return { from, messageId, hasDate: headerValue(fields, "date") !== null };
}

export function newMessageId(hostname: string): string {
  return `${randomBytes(12).toString("hex")}@${hostname}`;
}

/** Prepends header fields (each without CRLF) to a CRLF message. */
export function prependFields(raw: Buffer, fields: string[]): Buffer {
  if (fields.length === 0) return raw;
  return Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(""), "utf8"), raw]);
}
