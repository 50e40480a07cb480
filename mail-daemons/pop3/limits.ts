// Every bound the POP3 listener puts on a client, in one place (STYLE.md #8).
// Each one keeps memory and CPU per connection small whatever a client sends,
// without refusing anything a conforming client does.

/**
 * RFC 2449 §4: a command line is at most 255 octets including its CRLF, and
 * a server that offers CAPA must accept that much. A longer line is answered
 * with -ERR and its bytes are discarded as they arrive, never buffered.
 */
export const MAX_COMMAND_LINE_OCTETS = 255;

/**
 * RFC 2449 §4 also says a server must accept the longest line any capability
 * it offers needs. A SASL PLAIN response (RFC 5034 §4) carries the login and
 * password in base64 and is not bound by the 255 octets of a command; 2 KiB
 * fits any credential Yubin accepts (server/limits.ts bounds both far below).
 */
export const MAX_SASL_RESPONSE_OCTETS = 2048;

/**
 * RFC 2449 §6.6 PIPELINING: a client may send many commands without waiting.
 * They are answered in order; once this many complete lines wait, the socket
 * stops reading (TCP backpressure) until the queue drains, so a client that
 * never reads its answers cannot make the server buffer without end. The
 * queue can overshoot by the lines of one socket read (at most 64 KiB).
 */
export const MAX_QUEUED_COMMANDS = 64;

/**
 * Unknown commands, bad arguments and commands in the wrong state: a client
 * that sends this many in one session is not a mail client, and is
 * disconnected (Dovecot does the same after 10).
 */
export const MAX_BAD_COMMANDS = 20;

/**
 * Failed logins on one connection before it is closed. Throttling across
 * connections is the backend's (shared with SMTP AUTH and IMAP); this only
 * makes a scanner reconnect, which costs it a TCP and maybe a TLS handshake.
 */
export const MAX_FAILED_LOGINS_PER_CONNECTION = 3;

/**
 * RFC 1939 §3: an autologout timer of at least 10 minutes of inactivity.
 * A session that times out does not enter UPDATE: nothing is deleted.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * A TLS handshake (implicit TLS or after STLS) that has not finished in this
 * time is dropped: it holds a connection slot and crypto state for nothing.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Concurrent connections from one client address. POP3 clients poll with one
 * connection per account; an office behind one NAT address with many
 * devices stays well under this, a flood from one address does not.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 50;

/** Concurrent connections per listener; beyond this new ones get -ERR [SYS/TEMP] and are closed. */
export const MAX_CONNECTIONS = 2000;

/**
 * RETR and TOP read the stored message in chunks of at most this size when
 * the backend hands over one buffer, so that a large message is written with
 * backpressure instead of being queued on the socket at once.
 */
export const WRITE_CHUNK_OCTETS = 64 * 1024;

/**
 * After QUIT, an error that ends the session, or a refused connection, the
 * last reply is flushed for at most this long; a client that does not read
 * it is then cut off rather than holding the socket open.
 */
export const CLOSE_GRACE_MS = 5000;

/**
 * Read-ahead for clients that download in order (read-ahead.ts): at most
 * this many messages and octets are fetched with the one asked for, and kept
 * for at most this long without a read. Bounds what a downloading session
 * holds beyond the message it is sending (two batches, 512 KiB), and an idle one holds
 * nothing.
 */
export const READ_AHEAD_MESSAGES = 32;
export const READ_AHEAD_OCTETS = 256 * 1024;
export const READ_AHEAD_IDLE_MS = 2000;
