// What the submission listener (RFC 6409) needs from the rest of Yubin
// (STYLE.md #7): check a login, the addresses a user may send as, the local
// recipients, and accept a message for delivery. The real adapter is
// submission-store-backend.ts; tests may pass a fake.
import type { RecipientVerdict, SmtpRefusal } from "./mx-backend.ts";

export interface SubmissionUser {
  id: number;
  /** The login name: the user's address, or the mailbox's for a mailbox-scoped app password. */
  email: string;
  /** Set when logged in with a mailbox-scoped app password: send only as this mailbox. */
  mailboxId?: number | null;
}

export type LoginVerdict = { ok: true; user: SubmissionUser } | { ok: false; reason: "invalid" | "throttled" };

export interface SubmissionInput {
  user: SubmissionUser;
  mailFrom: string;
  recipients: string[];
  /** The message as the client sent it; bare CR/LF are still there. */
  raw: Buffer;
}

export interface SubmissionAccepted {
  ok: true;
  /** The Message-ID (without brackets) the message goes out with, or the held reply's id. */
  id: string;
  held?: boolean;
  /** For the message trace: the sender's stored copy, its conversation and the queued message. */
  storedMessageId?: number | null;
  conversationId?: number | null;
  outboundMessageId?: number | null;
}

export interface SubmissionBackend {
  /** RFC 4954 AUTH PLAIN/LOGIN: one check, throttled per account and client address. */
  login(input: { username: string; password: string; remoteAddress: string }): Promise<LoginVerdict>;
  /** MAIL FROM: may this user send as this address? (553 5.7.1 when not). */
  maySendAs(user: SubmissionUser, address: string): Promise<boolean>;
  /**
   * RCPT TO: remote recipients are accepted (relaying is what an
   * authenticated submission is for); an unknown local one is 550 5.1.1, a
   * full local mailbox 452 4.2.2. `mailboxId` is 0 for a remote recipient.
   */
  checkRecipient(user: SubmissionUser, address: string): Promise<RecipientVerdict>;
  /** Commits the message (sender's copy, local delivery, queue) before resolving. */
  submit(input: SubmissionInput): Promise<SubmissionAccepted | SmtpRefusal>;
}
