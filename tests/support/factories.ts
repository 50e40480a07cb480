// Test data made through the domain functions, as the app makes it: a user
// gets a real argon2 hash and a personal mailbox on a local domain, a
// mailbox its folders, and mail goes through the one write path
// (storeMessage), so fixtures are always in a state the app can reach.
import { addDomain } from "../../server/domains/add-domain.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";

export const TEST_PASSWORD = "correct horse battery";

export async function makeDomain(name = "example.com"): Promise<void> {
  await addDomain({ name, actorId: null });
}

export async function makeUser(email: string, options: { name?: string; admin?: boolean } = {}): Promise<number> {
  const { user } = await createUser({
    email,
    password: TEST_PASSWORD,
    name: options.name,
    role: options.admin ? "admin" : "agent",
    actorId: null,
  });
  return user.id;
}

export async function makeSharedMailbox(
  address: string,
  memberEmails: string[],
  options: { displayName?: string } = {},
): Promise<number> {
  return (
    await createMailbox({ address, kind: "shared", memberEmails, displayName: options.displayName, actorId: null })
  ).id;
}

let sequence = 0;

export interface CustomerMail {
  from?: string;
  to?: string;
  subject?: string;
  text?: string;
  messageId?: string;
  /** Extra header lines, each without its CRLF. */
  headers?: string[];
}

/** A plain customer message as CRLF bytes; every field has a unique default. */
export function customerMail(mail: CustomerMail = {}): { raw: Buffer; messageId: string } {
  const n = ++sequence;
  const messageId = mail.messageId ?? `m${n}.${process.pid}@customer.example`;
  const lines = [
    `From: ${mail.from ?? `Customer ${n} <c${n}@customer.example>`}`,
    `To: ${mail.to ?? "support@example.com"}`,
    `Subject: ${mail.subject ?? `Help ${n}`}`,
    `Message-ID: <${messageId}>`,
    ...(mail.headers ?? []),
    "",
    mail.text ?? `Hello ${n}.`,
    "",
  ];
  return { raw: Buffer.from(lines.join("\r\n")), messageId };
}

export interface Delivered {
  conversationId: number;
  messageId: string;
  storedMessageId: number;
}

/** Stores mail into a mailbox through the one write path; throws unless it was stored. */
export async function deliver(
  mailboxId: number,
  mail: CustomerMail | Buffer = {},
  options: { at?: Date; direction?: "inbound" | "outbound" } = {},
): Promise<Delivered> {
  const { raw, messageId } = Buffer.isBuffer(mail) ? { raw: mail, messageId: "" } : customerMail(mail);
  const [outcome] = await storeMessage({
    raw,
    mailboxIds: [mailboxId],
    direction: options.direction ?? "inbound",
    internalDate: options.at,
  });
  if (outcome?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(outcome)}`);
  return { conversationId: outcome.conversationId, messageId, storedMessageId: outcome.messageId };
}
