// The real submission backend: a thin adapter from SMTP to server/ (the
// credential check — password or app password — with its shared throttling, send-as rules, and
// submitMessage, which commits the copy and the queue in one transaction).
// What MAIL FROM and RCPT TO found is remembered for the rest of that one
// transaction and handed to submitMessage, so DATA does not ask again.
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { type RecipientResolution, resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { findSendAsMailbox, type SendAsMailbox } from "../../server/outbound/send-as.ts";
import { submitMessage } from "../../server/outbound/submit-message.ts";
import type { SubmissionBackend, SubmissionUser } from "./submission-backend.ts";

interface Transaction {
  sendAs: SendAsMailbox[];
  recipients: Map<string, RecipientResolution>;
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
      const transaction: Transaction = { sendAs: [], recipients: new Map() };
      transactions.set(user, transaction);
      const mailbox = await findSendAsMailbox({ userId: user.id, mailboxId: user.mailboxId }, address);
      if (mailbox) transaction.sendAs.push(mailbox);
      return mailbox !== null;
    },

    async checkRecipient(user, address) {
      const r = await resolveRecipient(address);
      transactions.get(user)?.recipients.set(address, r);
      switch (r.kind) {
        case "local":
          return { ok: true, mailboxId: r.mailboxId };
        case "foreign":
          return { ok: true, mailboxId: 0 };
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
        scopeMailboxId: user.mailboxId,
        mailFrom,
        recipients,
        raw,
        hostname,
        checkedSendAs: transaction?.sendAs,
        resolvedRecipients: transaction?.recipients,
      });
      if (!result.ok) return result;
      return { ok: true, id: result.messageIdHeader };
    },
  };
}
