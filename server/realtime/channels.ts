// PostgreSQL NOTIFY channels. A NOTIFY sent inside a transaction is delivered
// only when it commits, so a listener never hears of mail it cannot read yet.
export const MAIL_CHANNEL = "yubin_mail";

/**
 * Payload of MAIL_CHANNEL, for protocol sessions (IMAP IDLE and every
 * session's catch-up; server/realtime/mail-hub.ts fans it out per folder).
 * Kept small: NOTIFY payloads are limited to 8000 bytes.
 */
export type MailEvent = MessageStoredEvent | MessageExpungedEvent | FlagsChangedEvent | FolderChangedEvent;

/** One stored message (server/mail-store/store-message.ts). */
export interface MessageStoredEvent {
  kind: "message.stored";
  mailboxId: number;
  folderId: number;
  uid: number;
  messageId: number;
  conversationId: number;
}

/**
 * Folder entries removed by server/mail-store/expunge-messages.ts. One expunge
 * of many UIDs arrives as several of these (at most EXPUNGED_UIDS_PER_EVENT
 * each), all with the same modseq: the folder's HIGHESTMODSEQ after the
 * expunge, which the ExpungedUid rows record too.
 */
export interface MessageExpungedEvent {
  kind: "message.expunged";
  mailboxId: number;
  folderId: number;
  /** Decimal string: a bigint does not survive JSON. */
  modseq: string;
  uids: number[];
}

/** 500 UIDs of up to 10 digits and their commas stay well under NOTIFY's 8000 bytes. */
export const EXPUNGED_UIDS_PER_EVENT = 500;

/** Flags (or the tags of a conversation, which are keywords) of entries in a folder changed. */
export interface FlagsChangedEvent {
  kind: "flags.changed";
  mailboxId: number;
  folderId: number;
}

/** A folder was deleted or renamed (server/mail-folders/folder-admin.ts). */
export interface FolderChangedEvent {
  kind: "folder.changed";
  mailboxId: number;
  folderId: number;
}
