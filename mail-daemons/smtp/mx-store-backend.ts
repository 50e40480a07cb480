// The real MX backend: a thin adapter from SMTP to the one write path in
// server/. It turns storage outcomes into SMTP replies and nothing more.
import { resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import type { DeliveryOutcome, MxBackend, SmtpRefusal } from "./mx-backend.ts";

const refuse = (code: number, enhanced: string, message: string): SmtpRefusal => ({
  ok: false,
  code,
  enhanced,
  message,
});

export const mxStoreBackend: MxBackend = {
  async checkRecipient(address) {
    const r = await resolveRecipient(address);
    switch (r.kind) {
      case "local":
        return { ok: true, mailboxIds: r.mailboxIds, dmarc: r.dmarc };
      case "full":
        // RFC 5321 §4.5.3.1.10 / RFC 3463 X.2.2: mailbox full; the sender retries later.
        return refuse(452, "4.2.2", "Mailbox full, try again later");
      case "unknown":
        return refuse(550, "5.1.1", "No such user here");
      case "foreign":
        return refuse(554, "5.7.1", "Relay access denied");
    }
  },

  async deliver(input) {
    const store = (quarantine: boolean) => {
      const mailboxIds = input.recipients.filter((r) => r.quarantine === quarantine).map((r) => r.mailboxId);
      if (mailboxIds.length === 0) return [];
      return storeMessage({
        raw: input.raw,
        mailboxIds,
        direction: "inbound",
        authResults: { ...input.authResults },
        // Spam for the web (conversation status), Junk with $Junk (RFC 5788) for IMAP clients.
        ...(quarantine ? { quarantine, folder: "Junk", flags: ["$Junk"] } : {}),
      });
    };
    // Usually one of the two is empty. When both are not, a failure of the
    // second makes the client retry and the first recognises its duplicate.
    const results = [...(await store(false)), ...(await store(true))];
    const byMailbox = new Map(results.map((r) => [r.mailboxId, r.outcome]));
    const recipients: DeliveryOutcome["recipients"] = input.recipients.map(({ address, mailboxId }) => {
      const outcome = byMailbox.get(mailboxId);
      if (outcome === "stored" || outcome === "duplicate") return { address, ok: true };
      if (outcome === "over_quota") return { address, ...refuse(452, "4.2.2", "Mailbox full, try again later") };
      return { address, ...refuse(451, "4.3.0", "Mailbox unavailable, try again later") };
    });
    return { recipients };
  },
};
