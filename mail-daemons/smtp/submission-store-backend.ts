// The real submission backend: a thin adapter from SMTP to server/ (the
// credential check with its shared throttling, send-as rules, and
// submitMessage, which commits the copy and the queue in one transaction).
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { findSendAsMailbox } from "../../server/outbound/send-as.ts";
import { submitMessage } from "../../server/outbound/submit-message.ts";
import type { SubmissionBackend } from "./submission-backend.ts";

export function submissionStoreBackend(hostname: string): SubmissionBackend {
  return {
    async login({ username, password, remoteAddress }) {
      const result = await verifyCredentials({ email: username, password, remoteAddress });
      return result.ok ? { ok: true, user: { id: result.user.id, email: result.user.email } } : result;
    },

    async maySendAs(user, address) {
      return (await findSendAsMailbox(user.id, address)) !== null;
    },

    async checkRecipient(address) {
      const r = await resolveRecipient(address);
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
      const result = await submitMessage({ userId: user.id, mailFrom, recipients, raw, hostname });
      if (!result.ok) return result;
      return { ok: true, id: result.messageIdHeader };
    },
  };
}
