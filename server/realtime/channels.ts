// PostgreSQL NOTIFY channels. A NOTIFY sent inside a transaction is delivered
// only when it commits, so a listener never hears of mail it cannot read yet.
export const MAIL_CHANNEL = "yubin_mail";

/**
 * Payload of MAIL_CHANNEL, for protocol sessions (IMAP IDLE, NOTIFY, QRESYNC).
 * Kept small: NOTIFY payloads are limited to 8000 bytes.
 */
export type MailEvent = MessageStoredEvent | MessageExpungedEvent;

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
