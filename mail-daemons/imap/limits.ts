// Every bound the IMAP server puts on what a client can make it do, in one
// place (STYLE.md item 8, DESIGN.md "Rules"). The parser, the framer and the
// connection import from here; nothing else hard-codes a size or a count.
import { MAX_MESSAGE_BYTES } from "../../server/limits.ts";

/**
 * Bytes of command text on one line, literals excluded. RFC 7162 §4 asks
 * servers to accept at least 8192 octets because CONDSTORE clients send long
 * UID sets; Dovecot accepts 64 KiB and real clients never come close.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Command text across all the lines of one command (a command with literals
 * spans several lines). Bounds the memory a single command's text may hold.
 */
export const MAX_COMMAND_TEXT_BYTES = 256 * 1024;

/**
 * APPENDLIMIT (RFC 7889): the largest message APPEND accepts, the same bound
 * as SMTP's SIZE so that whatever can be delivered can also be uploaded.
 */
export const APPEND_LIMIT_BYTES = MAX_MESSAGE_BYTES;

/**
 * All literals of one MULTIAPPEND (RFC 3502) together. The command is parsed
 * whole before the store is touched (it is atomic), so this is what one
 * connection may hold in memory at most: two full-size messages.
 */
export const MAX_COMMAND_LITERAL_BYTES = 2 * APPEND_LIMIT_BYTES;

/**
 * A literal anywhere but APPEND's message: mailbox names, search strings,
 * header names. Nothing legitimate there is larger than a few KiB.
 */
export const MAX_ARGUMENT_LITERAL_BYTES = 64 * 1024;

/**
 * Before authentication only LOGIN may carry literals (a password with
 * 8-bit characters or quotes cannot be a quoted string in IMAP4rev1), and
 * only this small: anything else from an unknown peer is answered BAD with
 * no continuation, so an anonymous client cannot make us buffer data.
 */
export const MAX_PREAUTH_LITERAL_BYTES = 1024;

/**
 * LITERAL- (RFC 7888 §5): non-synchronising literals up to 4096 octets only.
 * We advertise LITERAL+, but IMAP4rev2 clients may assume LITERAL- limits.
 */
export const LITERAL_MINUS_MAX_BYTES = 4096;

/**
 * Decimal digits in a literal's announced size: 10 digits cover any size we
 * accept and keep `{99999999999999999999}` from becoming a float.
 */
export const MAX_LITERAL_SIZE_DIGITS = 10;

/**
 * Literals in one command. MULTIAPPEND sends one per message; anything else
 * needs a handful.
 */
export const MAX_LITERALS_PER_COMMAND = 1000;

/**
 * Depth of parenthesised lists and of search-key nesting (each OR, NOT and
 * parenthesis is a level). Bounds the parser's and the evaluator's recursion;
 * Thunderbird's generated `OR a OR b OR c …` chains stay far below it.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * Items in any one parenthesised list or sequence of arguments (fetch items,
 * flags, search keys, STATUS items, header field names, sequence-set ranges).
 */
export const MAX_LIST_ITEMS = 10_000;

/** Bytes of the tag; RFC 9051 puts no bound on it, clients use a few characters. */
export const MAX_TAG_BYTES = 64;

/**
 * Bytes buffered from the socket while a command runs. Beyond it the socket
 * is paused (TCP back-pressure), so a pipelining client cannot grow memory.
 */
export const MAX_PENDING_INPUT_BYTES = 256 * 1024;

/**
 * One SASL response line in AUTHENTICATE (RFC 9051 §6.2.2): PLAIN carries
 * user, authzid and password, base64; 8 KiB is generous.
 */
export const MAX_SASL_LINE_BYTES = 8 * 1024;

/**
 * Idle timeouts. RFC 9051 §5.4: an authenticated client's autologout timer
 * MUST be at least 30 minutes, and IDLE (RFC 2177 §3) is idle time too.
 * Before login a peer has no reason to sit silent for long.
 */
export const AUTHENTICATED_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const PREAUTH_IDLE_TIMEOUT_MS = 60 * 1000;

/** Concurrent connections from one client address: a NAT'd office shares one. */
export const MAX_CONNECTIONS_PER_ADDRESS = 100;

/** Concurrent sessions of one user: several devices, each with a few connections. */
export const MAX_CONNECTIONS_PER_USER = 50;

/**
 * Bad commands in one session before it is closed with BYE: a real client
 * makes a few mistakes, a fuzzer or a misdirected protocol makes thousands.
 */
export const MAX_BAD_COMMANDS = 50;

/** Failed LOGIN/AUTHENTICATE attempts on one connection before BYE. */
export const MAX_AUTH_FAILURES = 5;

/** Messages one MULTIAPPEND may carry. */
export const MAX_APPEND_MESSAGES = 1000;
