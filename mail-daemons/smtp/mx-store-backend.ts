// The real MX backend: a thin adapter from SMTP to the one write path in
// server/. It turns storage outcomes into SMTP replies and nothing more.

import { deliverInbound } from "../../server/mail-store/deliver-inbound.ts";
import { resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { isStorageFull } from "../../server/mail-store/storage-full.ts";
import { SYSTEM_FULL } from "./enhanced-replies.ts";
import type { DeliveryOutcome, MxBackend, SmtpRefusal } from "./mx-backend.ts";

const refuse = (code: number, enhanced: string, message: string): SmtpRefusal => ({
  ok: false,
  code,
  enhanced,
  message,
});

// RFC 5321 §4.5.3.1.10 / RFC 3463 X.2.2: mailbox full; the sender retries later.
const MAILBOX_FULL = refuse(452, "4.2.2", "Mailbox full, try again later");

export const mxStoreBackend: MxBackend = {
  async checkRecipient(address, options) {
    const r = await resolveRecipient(address, { declaredSize: options?.declaredSize });
    switch (r.kind) {
      case "local":
        return { ok: true, mailboxIds: r.mailboxIds, dmarc: r.dmarc };
      case "full":
        return MAILBOX_FULL;
      case "unknown":
        return refuse(550, "5.1.1", "No such user here");
      case "foreign":
        return refuse(554, "5.7.1", "Relay access denied");
    }
  },

  async deliver(input) {
    const results = await deliverInbound({
      raw: input.raw,
      mailFrom: input.mailFrom ?? "",
      recipients: input.recipients,
      authResults: { ...input.authResults },
    }).catch((error: unknown) => {
      // The write path is one transaction: a full disk rolled it all back.
      if (isStorageFull(error)) return null;
      throw error;
    });
    if (results === null)
      return { recipients: input.recipients.map(({ address }) => ({ address, ok: false as const, ...SYSTEM_FULL })) };
    const byMailbox = new Map(results.map((r) => [r.mailboxId, r]));
    const recipients: DeliveryOutcome["recipients"] = input.recipients.map(({ address, mailboxId }) => {
      const result = byMailbox.get(mailboxId);
      const outcome = result?.outcome;
      if (outcome === "stored" || outcome === "duplicate") {
        return {
          address,
          ok: true,
          duplicate: outcome === "duplicate",
          messageId: result?.messageId,
          conversationId: result?.conversationId,
        };
      }
      if (outcome === "queued") return { address, ok: true, queued: true };
      if (outcome === "over_quota") return { address, ...MAILBOX_FULL };
      return { address, ...refuse(451, "4.3.0", "Mailbox unavailable, try again later") };
    });
    return { recipients };
  },
};
