// Reading and completing the header of a message we are about to send: the
// From and Sender addresses to check against what the user may send as, and the fields
// RFC 5322 §3.6 requires (Date, and Message-ID, which RFC 6409 §8.3 lets a
// submission server add).
import { randomBytes } from "node:crypto";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { headerValue, parseHeaderFields, splitHeaderBlock } from "../mime/header-block.ts";

export interface HeaderInfo {
  /** Lower-cased addresses of the From field(s). */
  from: string[];
  /**
   * Lower-cased addresses of the Sender field(s): RFC 5322 §3.6.2 names the
   * agent responsible for sending, which a recipient's client shows ("on
   * behalf of"), so it is checked like From.
   */
  sender: string[];
  messageId: string | null;
  hasDate: boolean;
}

export function readHeader(raw: Buffer): HeaderInfo {
  const { headerEnd } = splitHeaderBlock(raw);
  const fields = parseHeaderFields(raw.subarray(0, headerEnd).toString("utf8"));
  const addresses = (name: string) =>
    fields
      .filter((f) => f.name === name)
      .flatMap((f) => addressparser(f.value, { flatten: true }))
      .map((a) => a.address.trim().toLowerCase())
      .filter(Boolean);
  const messageId = headerValue(fields, "message-id")?.replace(/^<|>$/g, "").trim() || null;
  return {
    from: addresses("from"),
    sender: addresses("sender"),
    messageId,
    hasDate: headerValue(fields, "date") !== null,
  };
}

export function newMessageId(hostname: string): string {
  return `${randomBytes(12).toString("hex")}@${hostname}`;
}

/** Prepends header fields (each without CRLF) to a CRLF message. */
export function prependFields(raw: Buffer, fields: string[]): Buffer {
  if (fields.length === 0) return raw;
  return Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(""), "utf8"), raw]);
}
