// Every limit that bounds what a peer — a mail server, a mail client, a
// browser — can make Yubin do, in one place, each with its reason (DESIGN.md
// "Rules", STYLE.md #8). The code that enforces a limit imports it from here;
// nothing keeps a private copy. README "Limits" lists the ones an operator
// meets, and tests/unit/limits-readme.test.ts fails when the two disagree.
//
// Pure constants with no imports: app/ pulls this file into the browser bundle
// so that forms check the same numbers the server enforces.

// ------------------------------------------------------------------ SMTP (MX and submission)

/** Largest message accepted over SMTP (advertised as EHLO SIZE, RFC 1870): a support inbox gets scans and PDFs, and 50 MiB is what large providers send; the whole message is held in memory once while it is checked and stored. */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/** RCPT TO per transaction; RFC 5321 §4.5.3.1.8 requires accepting at least 100, and more buys a spammer nothing but fan-out. */
export const MAX_RECIPIENTS = 100;

/** RFC 5321 §6.3: a message that has passed this many hops is looping. */
export const MAX_RECEIVED_HEADERS = 50;

/** RFC 5321 §4.5.3.1.1: a local part has at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;

/** RFC 5321 §4.5.3.1.2: a domain has at most 255 octets. */
export const MAX_DOMAIN_OCTETS = 255;

/** RFC 5321 §4.5.3.1.3: a path has at most 256 octets with its "<" and ">". */
export const MAX_PATH_OCTETS = 254;

/**
 * Open connections to the MX listener (per process; the cluster's primary
 * counts for all its workers). A session costs Yubin a socket and a few KiB,
 * not a process as Postfix's smtpd does (default_process_limit = 100), so
 * five times that; it stays well under the common 1024-descriptor ulimit,
 * which PostgreSQL connections and the other listeners share.
 */
export const MX_MAX_CONNECTIONS = 500;

/** Open connections to each submission listener (587 and 465): our own users' clients, which send and leave. */
export const SUBMISSION_MAX_CONNECTIONS = 100;

/**
 * Open connections from one client address to one SMTP listener; more are
 * answered `421 4.7.0` and closed. Postfix's smtpd_client_connection_count_limit
 * default: large senders open a handful in parallel, and one address cannot
 * take every slot of the listener.
 */
export const SMTP_MAX_CONNECTIONS_PER_ADDRESS = 50;

/** RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for the next command before it gives up (421). */
export const SMTP_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * The idle timeout while a listener is busy (open connections at
 * SMTP_BUSY_SHARE of its cap or more), as Postfix's smtpd_timeout does under
 * stress (10 s): clients that hold a connection without talking must not lock
 * everyone else out.
 */
export const SMTP_BUSY_IDLE_TIMEOUT_MS = 10_000;
export const SMTP_BUSY_SHARE = 0.8;

// ------------------------------------------------------------------ IMAP (mail-daemons/imap/)
// The parser, the framer and the connection import these; each is tested in
// tests/protocol/imap/limits.test.ts (or the test named beside it).

/**
 * Bytes of command text on one line, literals excluded. RFC 7162 §4 asks
 * servers to accept at least 8192 octets because CONDSTORE clients send long
 * UID sets; Dovecot accepts 64 KiB and real clients never come close.
 */
export const IMAP_MAX_LINE_BYTES = 64 * 1024;

/**
 * Command text across all the lines of one command (a command with literals
 * spans several lines). Bounds the memory a single command's text may hold.
 */
export const IMAP_MAX_COMMAND_TEXT_BYTES = 256 * 1024;

/**
 * APPENDLIMIT (RFC 7889): the largest message APPEND accepts, the same bound
 * as SMTP's SIZE so that whatever can be delivered can also be uploaded.
 */
export const IMAP_APPEND_LIMIT_BYTES = MAX_MESSAGE_BYTES;

/**
 * All literals of one MULTIAPPEND (RFC 3502) together. The command is parsed
 * whole before the store is touched (it is atomic), so this is what one
 * connection may hold in memory at most: two full-size messages.
 */
export const IMAP_MAX_COMMAND_LITERAL_BYTES = 2 * IMAP_APPEND_LIMIT_BYTES;

/**
 * A literal anywhere but APPEND's message: mailbox names, search strings,
 * header names. Nothing legitimate there is larger than a few KiB.
 */
export const IMAP_MAX_ARGUMENT_LITERAL_BYTES = 64 * 1024;

/**
 * Before authentication only LOGIN may carry literals (a password with
 * 8-bit characters or quotes cannot be a quoted string in IMAP4rev1), and
 * only this small: anything else from an unknown peer is answered BAD with
 * no continuation, so an anonymous client cannot make us buffer data.
 */
export const IMAP_MAX_PREAUTH_LITERAL_BYTES = 1024;

/**

/**
 * Decimal digits in a literal's announced size: 10 digits cover any size we
 * accept and keep `{99999999999999999999}` from becoming a float.
 */
export const IMAP_MAX_LITERAL_SIZE_DIGITS = 10;

/**
 * Literals in one command. MULTIAPPEND sends one per message; anything else
 * needs a handful.
 */
export const IMAP_MAX_LITERALS_PER_COMMAND = 1000;

/**
 * Depth of parenthesised lists and of search-key nesting (each OR, NOT and
 * parenthesis is a level). Bounds the parser's and the evaluator's recursion;
 * Thunderbird's generated `OR a OR b OR c …` chains stay far below it.
 */
export const IMAP_MAX_NESTING_DEPTH = 100;

/**
 * Items in any one parenthesised list or sequence of arguments (fetch items,
 * flags, search keys, STATUS items, header field names, sequence-set ranges).
 */
export const IMAP_MAX_LIST_ITEMS = 10_000;

/** Bytes of the tag; RFC 9051 puts no bound on it, clients use a few characters. */
export const IMAP_MAX_TAG_BYTES = 64;

/**
 * Bytes buffered from the socket while a command runs. Beyond it the socket
 * is paused (TCP back-pressure), so a pipelining client cannot grow memory.
 */
export const IMAP_MAX_PENDING_INPUT_BYTES = 256 * 1024;

/**
 * One SASL response line in AUTHENTICATE (RFC 9051 §6.2.2): PLAIN carries
 * user, authzid and password, base64; 8 KiB is generous.
 */
export const IMAP_MAX_SASL_LINE_BYTES = 8 * 1024;

/**
 * Idle timeouts. RFC 9051 §5.4: an authenticated client's autologout timer
 * MUST be at least 30 minutes, and IDLE (RFC 2177 §3) is idle time too.
 * Before login a peer has no reason to sit silent for long.
 */
export const IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const IMAP_PREAUTH_IDLE_TIMEOUT_MS = 60 * 1000;

/** Concurrent connections from one client address: a NAT'd office shares one. */
export const IMAP_MAX_CONNECTIONS_PER_ADDRESS = 100;

/** Concurrent sessions of one user: several devices, each with a few connections. */
export const IMAP_MAX_CONNECTIONS_PER_USER = 50;

/**
 * Bad commands in one session before it is closed with BYE: a real client
 * makes a few mistakes, a fuzzer or a misdirected protocol makes thousands.
 */
export const IMAP_MAX_BAD_COMMANDS = 50;

/** Failed LOGIN/AUTHENTICATE attempts on one connection before BYE. */
export const IMAP_MAX_AUTH_FAILURES = 5;

/** Messages one MULTIAPPEND may carry. */
export const IMAP_MAX_APPEND_MESSAGES = 1000;

/** RFC 2971 §3.3: an ID list has at most 30 field-value pairs. */
export const IMAP_MAX_ID_PAIRS = 30;

/** The line that ends IDLE is "DONE" (RFC 2177 §3); anything longer is not that. */
export const IMAP_MAX_DONE_LINE_BYTES = 64;

// ------------------------------------------------------------------ mail authentication (SPF, DKIM, DMARC, ARC) and DNS

/** One DNS query for SPF/DKIM/DMARC/ARC; an unreachable resolver must give temperror, not hold the SMTP client. */
export const DNS_QUERY_TIMEOUT_MS = 2_000;

/** All mail-authentication lookups for one message; SPF alone may chain 10 lookups (RFC 7208 §4.6.4). */
export const AUTH_CHECK_BUDGET_MS = 8_000;

/** Answers kept by the DNS cache per process: senders choose the names we look up, memory must stay bounded. */
export const DNS_CACHE_ENTRIES = 10_000;

// ------------------------------------------------------------------ MIME (every message parsed, whatever its door)

/** MIME parsing: deeper nesting than this is not real mail. */
export const MAX_MIME_DEPTH = 20;

/** MIME parsing: parts per message. */
export const MAX_MIME_PARTS = 500;

/** Total header block size per message or part. */
export const MAX_HEADER_BYTES = 256 * 1024;

/** Wall-clock budget for parsing one message before it is stored raw. */
export const MAX_PARSE_MS = 10_000;

/** Bytes of a text part or header block examined to guess an unlabelled charset: plenty for a sure guess, bounded CPU. */
export const CHARSET_SNIFF_BYTES = 64 * 1024;

// ------------------------------------------------------------------ outbound delivery

/**
 * One step of an outbound SMTP session (connect, greeting, each reply). RFC
 * 5321 §4.5.3.2 suggests minutes per step; a worker holds a lease and a
 * destination slot meanwhile, and a host that takes a minute is retried later.
 */
export const DELIVERY_STEP_TIMEOUT_MS = 60_000;

/** Jobs one delivery worker claims at once (one destination domain per claim, sent over one connection). */
export const DELIVERY_BATCH_SIZE = 20;

// ------------------------------------------------------------------ sign-in (web and every protocol login)

/** How many login attempts lock a key for how long (server/auth/throttle.ts explains the three keys). */
export interface ThrottlePolicy {
  /** Attempts allowed within the window; the last of them locks the key. */
  maxAttempts: number;
  windowSeconds: number;
  /** How long the key refuses attempts once locked (then one more attempt per lock, until the window ends). */
  lockSeconds: number;
}

/** The window every login counter counts in: long enough that guessing stays slow, short enough to forget typos. */
export const LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60;

/** One login from an address it has not succeeded from lately: a guesser locks their own address out, not the account. */
export const PAIR_POLICY: ThrottlePolicy = {
  maxAttempts: 5,
  windowSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
  lockSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
};

/** One login from an address it has succeeded from: slowed down, never locked for long (the owner's typos). */
export const KNOWN_PAIR_POLICY: ThrottlePolicy = {
  maxAttempts: 5,
  windowSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
  lockSeconds: 30,
};

/** One client address, across logins: password spraying. */
export const ADDRESS_POLICY: ThrottlePolicy = {
  maxAttempts: 30,
  windowSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
  lockSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
};

/** One login, from all the addresses it is not known at: a guesser spread over many addresses. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  maxAttempts: 20,
  windowSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
  lockSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
};

/**
 * How long a login waits for other attempts on its keys whose password check is still running, when
 * only they fill a limit (throttle.ts): colleagues behind one office NAT, or several devices of one
 * login, signing in at once. Longer than any argon2 check under load; an attacker's guesses gain
 * nothing by it, since only a success frees a place, and failures turn the wait into a refusal.
 */
export const LOGIN_PENDING_WAIT_MS = 10_000;

/** How long a successful login keeps its address known (exempt from ACCOUNT_POLICY). */
export const KNOWN_ADDRESS_DAYS = 90;

/** NIST SP 800-63B §5.1.1.2 asks for at least 8; 10 keeps a guess out of reach at 5 tries per 15 minutes. */
export const MIN_PASSWORD_LENGTH = 10;

/** Long enough for any passphrase or manager; longer inputs would only cost argon2 time. */
export const MAX_PASSWORD_LENGTH = 1024;

/** An app password's label, shown in lists (the browser checks it too). */
export const MAX_APP_PASSWORD_LABEL = 100;

/** Active (not revoked) app passwords per user: each costs an argon2 hash to create and a row to look up. */
export const MAX_ACTIVE_APP_PASSWORDS = 50;

/** A user's display name (what admins type; shown in lists and From: names). */
export const MAX_USER_NAME_CHARS = 200;

/** An invitation link works this long (7 days): long enough for a week's leave, short enough to go stale. */
export const INVITE_LINK_LIFETIME_MS = 7 * 24 * 60 * 60_000;

/** A password-reset link works this long (24 hours): it stands in for the password until used. */
export const RESET_LINK_LIFETIME_MS = 24 * 60 * 60_000;

/** Sessions listed per user on the admin page (newest first); older live ones still end with "end all". */
export const MAX_LISTED_SESSIONS = 50;

// ------------------------------------------------------------------ HTTP requests to the web app (app/api/)

/** Body of an API request (tRPC, sign-in): forms, notes and replies without attachments fit easily. */
export const MAX_API_BODY_BYTES = 4 * 1024 * 1024;

/** tRPC calls in one batched request; the browser's client splits larger batches (app/providers.tsx). */
export const MAX_TRPC_BATCH_CALLS = 20;

// ------------------------------------------------------------------ what members write in the web app

/**
 * Attachment bytes of one composed message: base64 turns 57 bytes into a
 * 78-byte line, and 1 MiB is left for the text and headers, so the built
 * message stays within MAX_MESSAGE_BYTES (what our MX and most others accept).
 */
export const MAX_COMPOSE_ATTACHMENT_BYTES = Math.floor((MAX_MESSAGE_BYTES - 1024 * 1024) / 78) * 57;

/** Characters of text the member may write in a reply (the quoted history included). */
export const MAX_COMPOSE_TEXT_CHARS = 1_000_000;

/**
 * Body of a signed-in request to a procedure that uploads attachments: a
 * message's attachment allowance in base64, plus its text JSON-escaped (at
 * most 6 bytes a character) and the rest of the input.
 */
export const MAX_API_UPLOAD_BODY_BYTES =
  Math.ceil((((MAX_MESSAGE_BYTES - 1024 * 1024) / 78) * 57) / 3) * 4 + 7 * 1024 * 1024;

/** RFC 5322 §3.6.4 lets References be trimmed; long chains only slow every reader down. */
export const MAX_REFERENCES = 20;

/** A note is a comment, not a document; long pastes belong in an attachment. */
export const MAX_NOTE_CHARS = 10_000;

/** Mentions per note: more than this is a broadcast, which notes are not for. */
export const MAX_NOTE_MENTIONS = 20;

/** A tag is a label in a list, not a sentence. */
export const MAX_TAG_CHARS = 40;

/** A sign-off, not a letterhead; also the composer's field limit. */
export const MAX_SIGNATURE_CHARS = 2_000;

/** A saved reply's title is a menu entry. */
export const MAX_SAVED_REPLY_TITLE = 120;

/** A saved reply is a reply, not a manual. */
export const MAX_SAVED_REPLY_BODY = 20_000;

/** A reviewer's comment when returning a held reply. */
export const MAX_RETURN_COMMENT_CHARS = 5000;

/** A snooze longer than this is a typo, not a plan. */
export const MAX_SNOOZE_MS = 366 * 24 * 3600 * 1000;

/**
 * Conversations one bulk action (the inbox's "select many") may change in one request: each
 * is changed, audited and announced on its own, so a batch is a few seconds of work at this
 * size; "select all" over a larger folder does the first ones and says so.
 */
export const MAX_BULK_CONVERSATIONS = 1000;

/** Messages one bulk undo may bring back from deleted mail: the messages of MAX_BULK_CONVERSATIONS long threads. */
export const MAX_BULK_UNDO_MESSAGES = 50_000;

/** Blocked and allowed senders of one mailbox: a list a person reads in Settings, checked on every delivery by index. */
export const MAX_SENDER_RULES = 5000;

// ------------------------------------------------------------------ search

/** The longest query accepted, in characters. */
export const MAX_QUERY_CHARS = 1000;

/** Items in one query: each becomes a condition PostgreSQL must plan and check. */
export const MAX_SEARCH_TERMS = 32;

/** Words longer than this are indexed (and queried) by their first MAX_SEARCH_WORD characters. */
export const MAX_SEARCH_WORD = 64;

/** Text beyond this many characters of one field is not indexed (it is still verified). */
export const MAX_INDEXED_CHARS = 200_000;

/** A tsvector holds at most 1 MB; stay well below it. */
export const MAX_SEARCH_TOKEN_BYTES = 512 * 1024;

// ------------------------------------------------------------------ showing a message

/**
 * Characters of a message's text shown on the conversation page; the rest is
 * one click away (app/api/messages/[id]/text). A 20 MB single-line body would
 * otherwise be sent whole to everyone who opens the conversation.
 */
export const MAX_DISPLAY_TEXT_CHARS = 100_000;

/** cid: images inlined into one HTML view as data: URLs; larger ones stay links rather than bloat the document. */
export const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;

/** cid: images inlined per HTML view: each one decodes an attachment. */
export const MAX_INLINE_IMAGES = 20;

// ------------------------------------------------------------------ Deleted mail (server/recovery/)

/** Default days deleted mail stays restorable before the retention job purges it; per mailbox, an admin may change it (Mailbox.deletedRetentionDays). Thirty days is what Gmail, Outlook.com and Fastmail keep deleted mail. */
export const DELETED_RETENTION_DAYS = 30;

/** The longest retention an admin may set: deleted mail is kept out of the quota, so an unbounded window is unbounded storage. */
export const MAX_DELETED_RETENTION_DAYS = 3650;

/** Messages one purge statement removes; the job loops, so a backlog is purged in short transactions that never hold a mailbox's rows for long. */
export const PURGE_BATCH = 500;

/** Rows one page of deleted mail shows (the admin's search, a member's "Recently deleted"). */
export const DELETED_PAGE_SIZE = 50;
// ------------------------------------------------------------------ mailbox quotas (server/quotas/)

/**
 * Warning thresholds a new mailbox starts with, in percent of either limit
 * (bytes or messages): one notice at 80 % leaves time to clean up, a second
 * at 95 % before mail starts to be refused with 452 4.2.2. Editable per mailbox.
 */
export const DEFAULT_QUOTA_WARN_PERCENTS: readonly number[] = [80, 95];

/** Thresholds one mailbox may have: each is one notice per crossing, more would be noise. */
export const MAX_QUOTA_WARN_THRESHOLDS = 5;

/** Folders listed under each mailbox's usage bar, largest first: enough to see where the space went. */
export const QUOTA_LARGEST_FOLDERS = 3;

/** Largest message-count limit that can be set: the column is a 32-bit integer. */
export const MAX_QUOTA_MESSAGES = 2_000_000_000;

/** How often the admin's Quotas page re-reads usage, so a bar moves as mail arrives without a reload. */
export const QUOTA_PAGE_REFRESH_MS = 5_000;

// ------------------------------------------------------------------ message trace (server/trace/)

/** Default days a trace row is kept (YUBIN_TRACE_RETENTION_DAYS): a month answers "I sent it last week" with room to spare. */
export const TRACE_RETENTION_DAYS = 30;

/**
 * How long a finished transaction's trace waits in the process before the
 * batch is written: long enough that a busy MX writes one multi-row insert
 * for many transactions, short enough that an admin searching right after a
 * refusal finds it. A crash loses at most this much (README "Message trace").
 */
export const TRACE_FLUSH_MS = 200;

/** Traces one insert statement writes; a fuller buffer is written at once rather than after TRACE_FLUSH_MS. */
export const TRACE_BATCH = 500;

/**
 * Traces a process holds while the database does not take them (down, or
 * slower than the mail): beyond this the oldest are dropped and counted in
 * the log, so a stalled database never grows the mail process's memory without bound.
 */
export const TRACE_BUFFER_MAX = 20_000;

/** Commands and replies kept per trace; a client sending thousands of NOOPs leaves the first ones and a count. */
export const TRACE_MAX_STEPS = 100;

/** Characters kept of one command, reply or header in a trace. */
export const TRACE_MAX_TEXT = 1000;

/**
 * Characters kept of a trace's Subject: it is stored in the time index's leaf
 * tuples ("MessageTrace_startedAt_id_subject_sql"), which must stay well under
 * a B-tree tuple's ~2,700 bytes (300 characters are at most 1,200 bytes of UTF-8).
 */
export const TRACE_MAX_SUBJECT = 300;

/** The widest time range one trace search may cover (the web page, the API, `yubin trace --since`). */
export const TRACE_MAX_RANGE_DAYS = 31;

/** Traces one page of search results shows. */
export const TRACE_PAGE_SIZE = 50;

/** Trace rows one purge statement deletes; the retention job loops until none are left. */
export const TRACE_PURGE_BATCH = 5_000;

// ------------------------------------------------------------------ import and export (server/transfer/)

/** An mbox or zip uploaded through the browser: a large mailbox's history fits; larger files go through `yubin import` on the server, which reads them in place. */
export const MAX_IMPORT_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/** Entries of one imported zip or folder: their list is held while the job runs, so it must be bounded; a million messages is far beyond any mailbox export. */
export const MAX_IMPORT_ENTRIES = 1_000_000;

/** A zip's central directory, read whole before any entry: a million entries with short names fit. */
export const MAX_ZIP_DIRECTORY_BYTES = 128 * 1024 * 1024;

/** Messages stored in one transaction of an import, with the job's position: fewer commits, while the mailbox's rows are held only briefly (a delivery waits at most one batch). */
export const IMPORT_BATCH_MESSAGES = 50;

/** Raw bytes of one import batch: a batch of large messages commits sooner. */
export const IMPORT_BATCH_BYTES = 4 * 1024 * 1024;

/** Items one job lists with their reasons; beyond it only the counters grow (a file of 50,000 broken messages must not write 50,000 rows). */
export const MAX_TRANSFER_NOTES = 1000;

/** How long a worker's claim on a job lasts unless renewed; a job whose worker died is taken up again after it. */
export const TRANSFER_LEASE_MS = 60_000;

/** Times a job may stop its worker at the same place before it fails instead: one item that crashes the process must not be retried forever. */
export const MAX_TRANSFER_STALLS = 3;

// ------------------------------------------------------------------ operations pages (admin: queue, audit log, status)

/** Rows one page of the audit log shows. */
export const AUDIT_PAGE_SIZE = 50;

/** Days of audit log one search or export may span: every filter then reads at most that stretch of the `at` index. */
export const AUDIT_MAX_RANGE_DAYS = 366;

/** Days searched when no start is given. */
export const AUDIT_DEFAULT_RANGE_DAYS = 30;

/** Rows in one CSV export (the newest first); a longer span is exported in pieces. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

/** Characters of one text filter of the audit log (an email, an action, a subject). */
export const AUDIT_FILTER_CHARS = 320;

/** The oldest queue age a filter may ask for ("queued more than N minutes ago"): the queue lifetime is days, not months. */
export const MAX_QUEUE_AGE_MINUTES = 60 * 24 * 60;

/** How often the admin's Queue page re-reads the queue, so a retried job is seen leaving without a reload. */
export const QUEUE_PAGE_REFRESH_MS = 5_000;

/** How long a mail process's hold on a connector lasts unless renewed; a connector whose process died moves to another after it. */
export const CONNECTOR_LEASE_MS = 30_000;

/** Remote messages fetched and committed together by a connector: one transaction with the folder's new highest UID. */
export const CONNECTOR_BATCH_MESSAGES = 100;

/**
 * Raw bytes of the messages written together in one statement by the write path's batch form
 * (mail-store/write-messages.ts): the bytes travel hex-encoded in one parameter and the texts in
 * one JSON document, so a batch of large messages is written in several statements, each well
 * under PostgreSQL's 1 GB per value and V8's longest string.
 */
export const STORE_BATCH_BYTES = 8 * 1024 * 1024;

/** How often a connector looks at its folders when the server has no IDLE (and the folders other than the first). */
export const CONNECTOR_POLL_MS = 60_000;

/** Reconnecting after a failure: the first wait, doubled each time up to the last. */
export const CONNECTOR_BACKOFF_MIN_MS = 1_000;
export const CONNECTOR_BACKOFF_MAX_MS = 5 * 60_000;
