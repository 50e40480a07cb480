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
