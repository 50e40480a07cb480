// What makes two deliveries the same message: every byte of it but the
// fields servers add on the way. A sender that retries after a lost 250, a
// list that delivers twice, or a second route to the same mailbox adds its own
// trace, so those fields are left out; any other difference — another From,
// To, Subject or body — is another message (issue 10 item 15).
import { createHash } from "node:crypto";

// RFC 5322 §3.6.7 trace fields, and the per-delivery fields MTAs and
// filters prepend: RFC 8601 Authentication-Results, RFC 7208 Received-SPF,
// RFC 8617 ARC sets, Postfix/Exim/qmail envelope records, Gmail's
// X-Received, and Yubin's own X-Yubin-*.
const TRACE_FIELDS = new Set([
  "received",
  "return-path",
  "delivered-to",
  "x-original-to",
  "envelope-to",
  "x-envelope-from",
  "x-envelope-to",
  "x-received",
  "received-spf",
  "authentication-results",
]);
const TRACE_PREFIXES = ["arc-", "x-yubin-"];

export function isTraceField(name: string): boolean {
  return TRACE_FIELDS.has(name) || TRACE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** SHA-256 (hex) of the header section without trace fields, then the body: the bytes as they are. */
export function contentHash(raw: Buffer, headerEnd: number, bodyStart: number): string {
  const hash = createHash("sha256");
  let keep = true;
  let lineStart = 0;
  while (lineStart < headerEnd) {
    const newline = raw.indexOf(0x0a, lineStart);
    const next = newline < 0 || newline >= headerEnd ? headerEnd : newline + 1;
    // A line that starts with white space continues the field before it (RFC 5322 §2.2.3).
    if (raw[lineStart] !== 0x20 && raw[lineStart] !== 0x09) keep = !isTraceField(fieldName(raw, lineStart, next));
    if (keep) hash.update(raw.subarray(lineStart, next));
    lineStart = next;
  }
  // The header and the body are told apart, so that bytes cannot move between them unnoticed.
  hash.update("\0");
  hash.update(raw.subarray(bodyStart));
  return hash.digest("hex");
}

function fieldName(raw: Buffer, start: number, end: number): string {
  const colon = raw.indexOf(0x3a, start);
  const nameEnd = colon < 0 || colon >= end ? end : colon;
  return raw.toString("latin1", start, nameEnd).trim().toLowerCase();
}
