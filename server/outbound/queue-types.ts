// Shapes stored in DeliveryJob.recipients and the NOTIFY channel that wakes
// delivery workers when a job is committed.

/** Committed with each new job; idle delivery workers LISTEN on it. */
export const OUTBOUND_CHANNEL = "yubin_outbound";

export type RecipientState = "pending" | "delivered" | "bounced" | "expired";

export interface RecipientStatus {
  address: string;
  state: RecipientState;
  /** Last SMTP reply (or our own explanation) for this recipient. */
  reply?: string;
  /** RFC 3463 status, e.g. "5.1.1", for the DSN. */
  status?: string;
  /** The host that answered, for the DSN's Remote-MTA. */
  remoteMta?: string;
  /** A local retry (local-retry.ts): the mailbox the message waits to enter, and whether it goes to Junk. */
  mailboxId?: number;
  quarantine?: boolean;
}
