// The one way mail leaves Yubin: submission (SMTP AUTH) and the web composer
// both end here. Checks that the user may send as the envelope and From
// addresses, completes and DKIM-signs the message, then in ONE transaction
// stores the sender's copy (Sent, or the shared mailbox's conversation),
// delivers to local recipients through the one write path and queues the
// rest. The caller answers 250 / "sent" only after this resolves.
import { sqlTransaction } from "../db/raw-sql.ts";
import { db } from "../db.ts";
import { parseMessage } from "../mail/parse-message.ts";
import { resolveRecipient } from "../mail-store/resolve-recipient.ts";
import { type StoreOutcome, storeMessageTx } from "../mail-store/store-message.ts";
import { dkimSignatureField } from "./dkim-sign.ts";
import { enqueueTx, recipientDomain } from "./enqueue.ts";
import { normalizeLineEndings } from "./line-endings.ts";
import { newMessageId, prependFields, readHeader } from "./message-header.ts";
import { findSendAsMailbox } from "./send-as.ts";

export interface SubmitInput {
  userId: number;
  /** RFC 5321 MAIL FROM reverse-path. */
  mailFrom: string;
  /** Envelope recipients (RCPT TO, or To/Cc/Bcc from the composer). */
  recipients: string[];
  raw: Buffer;
  /** Our host name, for Message-ID. */
  hostname: string;
  now?: Date;
}

/** Why a submission was refused, as an SMTP reply (RFC 3463 enhanced code). */
export interface SubmitRefusal {
  ok: false;
  code: number;
  enhanced: string;
  message: string;
}

export interface SubmitAccepted {
  ok: true;
  /** The sender's stored copy. */
  storedMessageId: number | null;
  conversationId: number | null;
  outboundMessageId: number | null;
  messageIdHeader: string;
  /** Local recipients whose mailbox could not take the message (over quota). */
  localFailures: string[];
}

// RFC 6409 §6.1 / RFC 3463 X.7.1: the submitter is not authorised to use this address.
const notYours = (what: string, address: string): SubmitRefusal => ({
  ok: false,
  code: 553,
  enhanced: "5.7.1",
  message: `${what} <${address}> is not an address you may send as`,
});

export async function submitMessage(input: SubmitInput): Promise<SubmitAccepted | SubmitRefusal> {
  const now = input.now ?? new Date();
  // MAIL FROM and From: are nearly always the same address: look each up once.
  const lookups = new Map<string, ReturnType<typeof findSendAsMailbox>>();
  const sendAs = (address: string) => {
    const key = address.trim().toLowerCase();
    const found = lookups.get(key) ?? findSendAsMailbox(input.userId, key);
    lookups.set(key, found);
    return found;
  };
  const envelopeSender = await sendAs(input.mailFrom);
  if (!envelopeSender) return notYours("Sender", input.mailFrom);

  let raw = normalizeLineEndings(input.raw);
  const header = readHeader(raw);
  const added: string[] = [];
  // RFC 6409 §8.1 permits completing what the client left out.
  if (header.from.length === 0) added.push(`From: <${envelopeSender.address}>`);
  for (const address of header.from) {
    if (!(await sendAs(address))) return notYours("From", address);
  }
  const fromAddress = header.from[0] ?? envelopeSender.address;
  const copyMailbox = (await sendAs(fromAddress)) ?? envelopeSender;
  // RFC 6409 §8.3 Message-ID and §8.6 Date.
  const messageIdHeader = header.messageId ?? newMessageId(input.hostname);
  if (!header.messageId) added.push(`Message-ID: <${messageIdHeader}>`);
  if (!header.hasDate) added.push(`Date: ${now.toUTCString().replace(/GMT$/, "+0000")}`);
  raw = prependFields(raw, added);
  raw = await sign(raw, fromAddress, now);

  const local = new Map<number, string>();
  const remote: string[] = [];
  for (const recipient of new Set(input.recipients.map((r) => r.trim()).filter(Boolean))) {
    const resolved = await resolveRecipient(recipient);
    if (resolved.kind === "local" || resolved.kind === "full") local.set(resolved.mailboxId, recipient);
    else if (resolved.kind === "foreign") remote.push(recipient);
    else return { ok: false, code: 550, enhanced: "5.1.1", message: `No such user here: <${recipient}>` };
  }

  const parsed = await parseMessage(raw);
  return sqlTransaction(async (tx) => {
    const [copy] = await storeMessageTx(
      tx,
      {
        raw,
        mailboxIds: [copyMailbox.mailboxId],
        direction: "outbound",
        folder: "Sent",
        flags: ["\\Seen"],
        internalDate: now,
      },
      parsed,
    );
    const delivered: StoreOutcome[] =
      local.size > 0
        ? await storeMessageTx(
            tx,
            { raw, mailboxIds: [...local.keys()], direction: "inbound", internalDate: now },
            parsed,
          )
        : [];
    const storedMessageId = copy && "messageId" in copy ? copy.messageId : null;
    const outboundMessageId = await enqueueTx(tx, {
      raw,
      mailFrom: input.mailFrom,
      recipients: remote,
      messageIdHeader,
      storedMessageId,
      now,
    });
    return {
      ok: true as const,
      storedMessageId,
      conversationId: copy?.outcome === "stored" ? copy.conversationId : null,
      outboundMessageId,
      messageIdHeader,
      localFailures: delivered
        .filter((d) => d.outcome !== "stored" && d.outcome !== "duplicate")
        .map((d) => local.get(d.mailboxId) ?? String(d.mailboxId)),
    };
  });
}

/** Prepends a DKIM-Signature by the From domain's key, when that domain is ours and has one. */
async function sign(raw: Buffer, fromAddress: string, now: Date): Promise<Buffer> {
  const domain = await db().domain.findUnique({
    where: { name: recipientDomain(fromAddress) },
    select: { name: true, dkimSelector: true, dkimPrivateKey: true },
  });
  if (!domain?.dkimSelector || !domain.dkimPrivateKey) return raw;
  const field = dkimSignatureField(
    raw,
    { domain: domain.name, selector: domain.dkimSelector, privateKeyPem: domain.dkimPrivateKey },
    now,
  );
  return Buffer.concat([Buffer.from(field, "latin1"), raw]);
}
