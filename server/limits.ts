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
