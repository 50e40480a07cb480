// The IMAP core reaches storage only through this interface (STYLE.md item
// 7): the in-memory fake (memory-backend/) serves the transcript tests and
// benchmarks of the core, and the PostgreSQL adapter maps each method onto one
// domain function in server/. Everything here is in storage terms (folders,
// UIDs, flags, modification sequences); sequence numbers, untagged responses
// and the protocol's states are the core's business.
//
// Folder names are full paths with "/" as the hierarchy delimiter, in
// Unicode (the core converts modified UTF-7), with "INBOX" spelled so.
// Flags are strings: the system flags in their canonical spelling ("\Seen",
// "\Answered", "\Flagged", "\Deleted", "\Draft") and keywords as the client
// wrote them; keywords compare case-insensitively (RFC 9051 §2.3.2). The
// adapter maps keywords to tags and "\Seen" to the web's read state.

/** Who logged in, as the backend knows them; the core only passes it back. */
export interface Principal {
  /** Stable key for the per-user connection cap. */
  readonly userKey: string;
  /** For logs. */
  readonly username: string;
}

export type LoginResult<P extends Principal> =
  | { ok: true; principal: P }
  /** invalid: wrong user or password (one answer for both); throttled: too many failures from here or for this user. */
  | { ok: false; reason: "invalid" | "throttled" };

export type SpecialUse = "\\All" | "\\Archive" | "\\Drafts" | "\\Flagged" | "\\Junk" | "\\Sent" | "\\Trash";

export interface FolderInfo {
  name: string;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  /**
   * false for a name that exists only as a parent in the hierarchy, such as
   * "Shared" or "Shared/support@example.com" (RFC 9051 §7.3.1 \Noselect).
   */
  selectable: boolean;
}

export interface Namespaces {
  /** RFC 2342: [prefix, delimiter] pairs; personal is ["", "/"], shared e.g. ["Shared/", "/"]. */
  personal: Array<[string, string]>;
  shared: Array<[string, string]>;
}

export interface FolderStatus {
  messages: number;
  unseen: number;
  deleted: number;
  /** RFC 3501 STATUS RECENT: messages no read-write session has been told of yet. */
  recent: number;
  /** Sum of RFC822.SIZE (RFC 9051 §6.3.11 SIZE). */
  size: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
}

/** A message as SELECT sees it: no bodies, no headers. */
export interface MessageState {
  uid: number;
  flags: string[];
  modseq: number;
}

export interface SelectedFolder {
  /** Opaque, stable across renames; every later call names the folder by it. */
  folderId: string;
  name: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** The principal may read but not change it (SELECT answers [READ-ONLY]). */
  readOnly: boolean;
  /**
   * The messages as parallel arrays (a folder of 10,000 is three arrays, not
   * 10,000 objects): UIDs ascending, and each one's flags and MODSEQ at the
   * same index. Flag arrays may be shared between messages: never change one.
   */
  uids: number[];
  flags: readonly string[][];
  modseqs: number[];
}

export interface MessageMetadata extends MessageState {
  internalDate: Date;
  /** RFC822.SIZE: octets of the stored message. */
  size: number;
}

/**
 * What changed in a folder after a mod-sequence: messages whose flags
 * changed or that arrived (modseq > since), UIDs expunged after it, and the
 * folder's highest modseq at the time of the answer. New UIDs must become
 * visible in ascending order (the adapter allocates them under the folder's
 * row lock, so commits cannot overtake each other). null: the folder is gone.
 */
export interface FolderChanges {
  messages: MessageState[];
  expunged: number[];
  highestModseq: number;
  uidNext: number;
}

/** A whole stored message, readable as a stream so FETCH BODY[] need not hold it. */
export interface MessageContent {
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

/** A SEARCH key the backend evaluates over message text (RFC 9051 §6.4.4). */
export type TextCriterion =
  /** BODY: the decoded text of the body; TEXT: header and body. */
  | { kind: "body" | "text"; value: string }
  /** HEADER, FROM, TO, CC, BCC, SUBJECT: the decoded field value (field name lower-cased). */
  | { kind: "header"; field: string; value: string };

export type StoreMode = "add" | "remove" | "replace";

export interface StoreRequest {
  uids: number[];
  mode: StoreMode;
  flags: string[];
  /** RFC 7162 §3.1.3: leave messages whose modseq is above this alone and report them. */
  unchangedSince: number | null;
}

export interface StoreResult {
  /** Messages whose flags changed, with their new flags and modseq. */
  changed: MessageState[];
  /** UIDs that failed the UNCHANGEDSINCE test. */
  modified: number[];
}

export interface AppendMessage {
  raw: Buffer;
  flags: string[];
  internalDate: Date | null;
}

/** A refusal, as the response code the client sees (RFC 5530, RFC 9051 §7.1). */
export type Refusal =
  | "TRYCREATE"
  | "NONEXISTENT"
  | "ALREADYEXISTS"
  | "CANNOT"
  | "NOPERM"
  | "OVERQUOTA"
  | "TOOBIG"
  | "LIMIT"
  | "INUSE";

export type Outcome<T> = ({ ok: true } & T) | { ok: false; code: Refusal; text: string };

export interface QuotaRoot {
  /** RFC 9208 quota root name: one per Yubin mailbox (its quota), e.g. its address "support@example.com". */
  name: string;
  /** RFC 9208 §5.1 STORAGE is in units of 1024 octets. */
  storage: { usedKiB: number; limitKiB: number } | null;
  /** RFC 9208 §5.2 MESSAGE. */
  messages: { used: number; limit: number } | null;
}

export interface ImapBackend<P extends Principal = Principal> {
  /** Password or app password; throttled like web sign-in. */
  login(request: { username: string; password: string; remoteAddress: string }): Promise<LoginResult<P>>;

  namespaces(principal: P): Namespaces;

  /** Every folder the principal may see, personal and shared, with the parents that are not folders themselves. */
  listFolders(principal: P): Promise<FolderInfo[]>;

  /** null when the folder does not exist or the principal may not see it (the same answer). */
  folderStatus(principal: P, name: string): Promise<FolderStatus | null>;

  select(principal: P, name: string): Promise<SelectedFolder | null>;

  changesSince(principal: P, folderId: string, modseq: number): Promise<FolderChanges | null>;

  /**
   * RFC 3501 §2.3.2 \Recent, across every session and process: the lowest
   * UID that is recent for the caller, who has caught up to `upTo` (UIDNEXT).
   * With `claim` (a read-write session) the folder then counts UIDs below
   * `upTo` as told, atomically, so no other session gets them as recent;
   * without it (EXAMINE) nothing changes. null when the folder is gone.
   */
  claimRecent(principal: P, folderId: string, upTo: number, claim: boolean): Promise<number | null>;

  /** Metadata of these UIDs (ascending); UIDs expunged meanwhile are left out. */
  messageMetadata(principal: P, folderId: string, uids: number[]): Promise<MessageMetadata[]>;

  /** The header block of each message, up to and including the empty line. */
  readHeaders(principal: P, folderId: string, uids: number[]): Promise<Map<number, Buffer>>;

  /** Whole messages of these UIDs (one FETCH batch, one round trip); UIDs expunged meanwhile are missing. */
  readMessages(principal: P, folderId: string, uids: number[]): Promise<Map<number, MessageContent>>;

  /** For each criterion, the UIDs among `uids` that match it. */
  matchText(principal: P, folderId: string, uids: number[], criteria: TextCriterion[]): Promise<Set<number>[]>;

  storeFlags(principal: P, folderId: string, request: StoreRequest): Promise<Outcome<StoreResult>>;

  /** Removes these UIDs; returns those actually expunged. */
  expunge(principal: P, folderId: string, uids: number[]): Promise<Outcome<{ expunged: number[] }>>;

  /** All or nothing (RFC 3502 MULTIAPPEND). TRYCREATE when the folder does not exist. */
  append(
    principal: P,
    folder: string,
    messages: AppendMessage[],
  ): Promise<Outcome<{ uidValidity: number; uids: number[] }>>;

  /**
   * COPY, or MOVE when `move` (RFC 6851: copy then expunge, atomically).
   * `mapping` pairs each source UID with its new UID, in source order.
   */
  copy(
    principal: P,
    folderId: string,
    uids: number[],
    target: string,
    move: boolean,
  ): Promise<Outcome<{ uidValidity: number; mapping: Array<[number, number]> }>>;

  createFolder(principal: P, name: string): Promise<Outcome<object>>;
  deleteFolder(principal: P, name: string): Promise<Outcome<object>>;
  renameFolder(principal: P, from: string, to: string): Promise<Outcome<object>>;
  setSubscribed(principal: P, name: string, subscribed: boolean): Promise<Outcome<object>>;

  /** RFC 9208 GETQUOTAROOT: the roots a folder belongs to (none when unlimited). */
  quotaRoots(principal: P, folder: string): Promise<QuotaRoot[] | null>;
  /** RFC 9208 GETQUOTA; null when no such root is visible. */
  quota(principal: P, root: string): Promise<QuotaRoot | null>;

  /**
   * Calls `onChange` whenever the folder may have changed, from this process
   * or another (the adapter listens to PostgreSQL NOTIFY). The core then asks
   * changesSince; a spurious call costs one query. Returns the unsubscribe.
   */
  watch(principal: P, folderId: string, onChange: () => void): () => void;
}
