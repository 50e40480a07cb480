// The real submission backend: a thin adapter from SMTP to server/ (the
// credential check — password or app password — with its shared throttling;
// the authority gate's grant for the login; send-as rules; and
// submitMessage, which holds mail that needs approval or commits the copy and
// the queue in one transaction). What MAIL FROM and RCPT TO found is
// remembered for the rest of that one transaction and handed to
// submitMessage, so DATA does not ask again.
import { type AuthorizedMailboxId, mailboxesForLogin } from "../../server/access/gate.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { type RecipientResolution, resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { isStorageFull } from "../../server/mail-store/storage-full.ts";
import { findSendAsMailbox, type SendAsMailbox } from "../../server/outbound/send-as.ts";
import { submitMessage } from "../../server/outbound/submit-message.ts";
import { SYSTEM_FULL } from "./enhanced-replies.ts";
import type { SubmissionBackend, SubmissionUser } from "./submission-backend.ts";

interface Transaction {
  /** What the gate grants the login at this MAIL FROM. */
  granted: AuthorizedMailboxId[];
  sendAs: SendAsMailbox[];
  recipients: Map<string, RecipientResolution>;
}

/** The gate's grant for this session's login, asked afresh for each transaction. */
async function grantOf(user: SubmissionUser): Promise<AuthorizedMailboxId[]> {
  const mailboxes = await mailboxesForLogin({ user: { id: user.id }, mailboxId: user.mailboxId ?? null });
  return mailboxes.map((m) => m.mailboxId);
}

export function submissionStoreBackend(hostname: string): SubmissionBackend {
  // Keyed by the session's user object (one per login), so a session only
  // ever sees what its own current transaction looked up.
  const transactions = new WeakMap<SubmissionUser, Transaction>();

  return {
    async login({ username, password, remoteAddress }) {
      // The user's password, or an app password (a mailbox-scoped one sends only as that mailbox).
      const result = await verifyProtocolCredentials({ login: username, password, remoteAddress });
      if (!result.ok) return result;
      return { ok: true, user: { id: result.user.id, email: result.login, mailboxId: result.mailboxId } };
    },

    async maySendAs(user, address) {
      // MAIL FROM starts a transaction: forget the previous one's answers.
      const transaction: Transaction = { granted: await grantOf(user), sendAs: [], recipients: new Map() };
      transactions.set(user, transaction);
      const mailbox = await findSendAsMailbox(transaction.granted, address);
      if (mailbox) transaction.sendAs.push(mailbox);
      return mailbox !== null;
    },

    async checkRecipient(user, address) {
      const r = await resolveRecipient(address);
      transactions.get(user)?.recipients.set(address, r);
      switch (r.kind) {
        case "local":
          return { ok: true, mailboxIds: r.mailboxIds };
        case "foreign":
          return { ok: true, mailboxIds: [] };
        case "full":
          return { ok: false, code: 452, enhanced: "4.2.2", message: "Mailbox full, try again later" };
        case "unknown":
          return { ok: false, code: 550, enhanced: "5.1.1", message: "No such user here" };
      }
    },

    async submit({ user, mailFrom, recipients, raw }) {
      const transaction = transactions.get(user);
      transactions.delete(user);
      const result = await submitMessage({
        userId: user.id,
        sendAs: transaction?.granted ?? (await grantOf(user)),
        scopeMailboxId: user.mailboxId,
        mailFrom,
        recipients,
        raw,
        hostname,
        checkedSendAs: transaction?.sendAs,
        resolvedRecipients: transaction?.recipients,
      }).catch((error: unknown) => {
        // RFC 5321 §4.2.2 / RFC 3463 X.3.1: the disk is full; the one transaction stored nothing.
        if (isStorageFull(error)) return { ok: false as const, ...SYSTEM_FULL };
        throw error;
      });
      if (!result.ok) return result;
      // Held for a reviewer (approval): accepted, and sent once approved.
      if (result.held) {
        return {
          ok: true,
          id: `held-${result.pendingReplyId}@${hostname}`,
          held: true,
          conversationId: result.conversationId,
        };
      }
      return {
        ok: true,
        id: result.messageIdHeader,
        storedMessageId: result.storedMessageId,
        conversationId: result.conversationId,
        outboundMessageId: result.outboundMessageId,
      };
    },
  };
}
