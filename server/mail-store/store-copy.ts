// One mailbox's copy of a message being stored, as every step of
// store-in-mailbox.ts receives it.
import type { ParsedMessage } from "../mime/parse-message.ts";

export interface StoreCopy {
  raw: Buffer;
  mailboxId: number;
  direction: "inbound" | "outbound";
  /** Folder name; INBOX by default. */
  folder?: string;
  flags?: string[];
  /** Authentication verdicts (SPF, DKIM, DMARC, ARC) as JSON. */
  authResults?: Record<string, unknown>;
  /** Spam in a conversation of its own (store-message.ts). */
  quarantine?: boolean;
  /** sha256 of the raw bytes: the Blob's key, shared by every copy. */
  blobSha256: string;
  /** The bytes travel with the first copy stored; the others share the blob. */
  storeBlob: boolean;
  message: ParsedMessage;
  /**
   * A quota notice (server/quotas/quota-warning.ts): stored even into a full
   * mailbox, as Dovecot's quota warnings are, so the warning itself is never lost.
   */
  bypassQuota?: boolean;
  /** The arrival time, the same for every copy. */
  now: Date;
}

/** What became of one mailbox's copy. */
export type StoreOutcome =
  | { mailboxId: number; outcome: "stored"; messageId: number; conversationId: number; folderId: number; uid: number }
  | { mailboxId: number; outcome: "duplicate"; messageId: number }
  | { mailboxId: number; outcome: "over_quota" }
  | { mailboxId: number; outcome: "no_mailbox" };
