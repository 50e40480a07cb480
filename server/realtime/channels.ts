// PostgreSQL NOTIFY channels. A NOTIFY sent inside a transaction is delivered
// only when it commits, so a listener never hears of mail it cannot read yet.
export const MAIL_CHANNEL = "yubin_mail";

/** Payload of MAIL_CHANNEL: one stored message (kept small: NOTIFY payloads are limited to 8000 bytes). */
export interface MailEvent {
  kind: "message.stored";
  mailboxId: number;
  folderId: number;
  uid: number;
  messageId: number;
  conversationId: number;
}
