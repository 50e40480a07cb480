// Every limit that bounds what a peer can make Yubin do, in one place, each
// with its reason (DESIGN.md "Rules"). Protocol daemons and the mail store
// import from here; change a value here and in README "Limits".

/** Largest message accepted over SMTP (advertised as EHLO SIZE, RFC 1870). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/** RCPT TO per transaction; RFC 5321 §4.5.3.1.8 requires at least 100. */
export const MAX_RECIPIENTS = 100;

/** RFC 5321 §6.3: a message that has passed this many hops is looping. */
export const MAX_RECEIVED_HEADERS = 50;

/** MIME parsing: deeper nesting than this is not real mail. */
export const MAX_MIME_DEPTH = 20;

/** MIME parsing: parts per message. */
export const MAX_MIME_PARTS = 500;

/** Total header block size per message or part. */
export const MAX_HEADER_BYTES = 256 * 1024;

/** Wall-clock budget for parsing one message before it is stored raw. */
export const MAX_PARSE_MS = 10_000;

/** One DNS query for SPF/DKIM/DMARC/ARC; an unreachable resolver must give temperror, not hold the SMTP client. */
export const DNS_QUERY_TIMEOUT_MS = 2_000;

/** All mail-authentication lookups for one message; SPF alone may chain 10 lookups (RFC 7208 §4.6.4). */
export const AUTH_CHECK_BUDGET_MS = 8_000;

/** Bytes of a text part or header block examined to guess an unlabelled charset: plenty for a sure guess, bounded CPU. */
export const CHARSET_SNIFF_BYTES = 64 * 1024;

// The web app (app/api/): what one HTTP request may make the web process read.

/** Body of an API request (tRPC, sign-in): forms, notes and replies without attachments fit easily. */
export const MAX_API_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Body of a signed-in request to a procedure that uploads attachments: a
 * message's attachment allowance in base64 (compose-limits.ts), plus its text
 * JSON-escaped (at most 6 bytes a character) and the rest of the input.
 */
export const MAX_API_UPLOAD_BODY_BYTES =
  Math.ceil((((MAX_MESSAGE_BYTES - 1024 * 1024) / 78) * 57) / 3) * 4 + 7 * 1024 * 1024;

/** tRPC calls in one batched request; the browser's client splits larger batches (app/providers.tsx). */
export const MAX_TRPC_BATCH_CALLS = 20;

/**
 * Characters of a message's text shown on the conversation page; the rest is
 * one click away (app/api/messages/[id]/text). A 20 MB single-line body would
 * otherwise be sent whole to everyone who opens the conversation.
 */
export const MAX_DISPLAY_TEXT_CHARS = 100_000;
