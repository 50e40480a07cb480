// What the POP3 protocol core needs from the rest of Yubin (STYLE.md #7):
// check a login, open one maildrop under a lock, read a message, and delete
// (or hide) messages at QUIT. The core never sees a database; the real
// adapter over server/ and the in-memory fake (memory-backend.ts) both
// implement this, and the transcript tests run against either.

/** Whoever logged in. The core reads `login` only for its log lines; adapters carry their own fields. */
export interface Pop3Principal {
  readonly login: string;
}

/** RFC 2449 §6.7: days a message may stay on the server after it was retrieved, or never expired. */
export type ExpirePolicy = number | "NEVER";

export interface Pop3Policy {
  expire: ExpirePolicy;
  /** RFC 2449 §6.5: minimum seconds between logins; null when not enforced (no LOGIN-DELAY in CAPA). */
  loginDelaySeconds: number | null;
}

/**
 * Before login, CAPA reports the server-wide policy; `variesPerUser` adds
 * the USER tag to EXPIRE and LOGIN-DELAY (RFC 2449 §6.5, §6.7) when
 * maildrops may have other values, which CAPA reports after login.
 */
export interface ServerPolicy extends Pop3Policy {
  variesPerUser: boolean;
}

export type LoginVerdict<P extends Pop3Principal> =
  | { ok: true; principal: P }
  /** Wrong login or password, disabled account, revoked app password: all alike (-ERR [AUTH]). */
  | { ok: false; reason: "invalid" }
  /** Too many failed logins for this account or address (-ERR [SYS/TEMP]). */
  | { ok: false; reason: "throttled" }
  /** RFC 2449 §8.1.2: logged in less than loginDelaySeconds ago (-ERR [LOGIN-DELAY]). */
  | { ok: false; reason: "login-delay" }
  /** The store could not be asked (-ERR [SYS/TEMP]). */
  | { ok: false; reason: "temporary-failure" };

export interface MaildropMessage {
  /**
   * RFC 1939 §7 UIDL: 1 to 70 characters in 0x21..0x7E, the same for this
   * message in every session, never reused in the maildrop. Yubin derives it
   * from the INBOX's UIDVALIDITY and the message's UID.
   */
  readonly uidl: string;
  /**
   * RFC 1939 §11: the exact octet count of the message as sent, with every
   * line ending CRLF (including the last) and before dot-stuffing. Stored
   * mail is CRLF already, so this is the stored size; message-encoder.ts's
   * `encodedSize` computes it for anything else.
   */
  readonly size: number;
}

export interface Maildrop {
  /** Fixed for the session (RFC 1939 §4: message numbers do not change); message n is messages[n - 1]. */
  readonly messages: readonly MaildropMessage[];
  /** This login's policy, reported by CAPA in the TRANSACTION state. */
  readonly policy: Pop3Policy;
  /**
   * The stored bytes of messages[index] (0-based), in order, in chunks of any
   * size (one Buffer is fine); the core normalises line endings, dot-stuffs,
   * and stops early for TOP. Throwing before the first chunk gets the client
   * -ERR [SYS/TEMP]; after it, the connection is dropped (no UPDATE).
   */
  retrieve(index: number): AsyncIterable<Uint8Array>;
  /**
   * RFC 1939 §6 UPDATE: the messages marked deleted, in one transaction, all
   * or none. The backend's policy decides what deleting means (expunge, or
   * hide from this login's later sessions). Never called for a session that
   * ended without QUIT. Rejects when nothing was committed.
   */
  commitDeletions(uidls: readonly string[]): Promise<void>;
  /** Drops the lock. Called exactly once, after commitDeletions or instead of it. */
  release(): Promise<void>;
}

export type OpenVerdict =
  | { ok: true; maildrop: Maildrop }
  /** RFC 2449 §8.1.1: another session holds this maildrop for this login (-ERR [IN-USE]). */
  | { ok: false; reason: "in-use" }
  | { ok: false; reason: "temporary-failure" }
  /** RFC 3206 §4: will not work by retrying, e.g. the maildrop is gone (-ERR [SYS/PERM]). */
  | { ok: false; reason: "permanent-failure" };

export interface Pop3Backend<P extends Pop3Principal = Pop3Principal> {
  readonly policy: ServerPolicy;
  /** USER/PASS and AUTH PLAIN: one check, throttled per account and client address. */
  login(input: { username: string; password: string; remoteAddress: string }): Promise<LoginVerdict<P>>;
  /** Takes the maildrop's lock for this login and lists its messages, fixed from here on. */
  openMaildrop(principal: P): Promise<OpenVerdict>;
}
