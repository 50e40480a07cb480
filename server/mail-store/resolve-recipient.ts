// Who a local address is. Used at SMTP RCPT time (before any data is read) and
// by submission later. RFC 5233 subaddresses ("support+billing@") deliver to
// the base address.
import { db } from "../db.ts";

export type RecipientResolution =
  | { kind: "local"; mailboxId: number }
  | { kind: "full"; mailboxId: number }
  | { kind: "unknown" }
  | { kind: "foreign" };

export async function resolveRecipient(address: string): Promise<RecipientResolution> {
  const at = address.lastIndexOf("@");
  if (at <= 0) return { kind: "unknown" };
  const domainName = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
  const domain = await db().domain.findUnique({ where: { name: domainName }, select: { id: true } });
  if (!domain) return { kind: "foreign" };
  const localPart = address.slice(0, at).toLowerCase();
  const candidates = [`${localPart}@${domainName}`];
  const plus = localPart.indexOf("+");
  if (plus > 0) candidates.push(`${localPart.slice(0, plus)}@${domainName}`);
  for (const candidate of candidates) {
    const mailbox =
      (await db().mailbox.findUnique({ where: { address: candidate } })) ??
      (await db().alias.findUnique({ where: { address: candidate }, select: { mailbox: true } }))?.mailbox;
    if (mailbox) {
      const full =
        (mailbox.quotaBytes !== null && mailbox.usedBytes >= mailbox.quotaBytes) ||
        (mailbox.quotaMessages !== null && mailbox.usedMessages >= mailbox.quotaMessages);
      return full ? { kind: "full", mailboxId: mailbox.id } : { kind: "local", mailboxId: mailbox.id };
    }
  }
  return { kind: "unknown" };
}
