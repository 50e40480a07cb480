// The one write path (DESIGN.md "Rules"): SMTP delivery, IMAP APPEND, the
// connector and mail sent from the web all store mail here. For every target
// mailbox, in ONE transaction: the content-addressed blob, the message, its
// folder entry (UID from the folder's UIDNEXT), exact usage counters and the
// conversation. The caller acknowledges only after this resolves. The steps
// for one mailbox are in store-in-mailbox.ts.

import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { type ParsedMessage, parseMessage } from "../mime/parse-message.ts";
import { blobKey } from "./store-blob.ts";
import { storeInMailbox } from "./store-in-mailbox.ts";

export interface StoreMessageInput {
  raw: Buffer;
  mailboxIds: number[];
  direction: "inbound" | "outbound";
  /** Folder name; INBOX by default. */
  folder?: string;
  flags?: string[];
  /** Authentication verdicts (SPF, DKIM, DMARC, ARC) as JSON. */
  authResults?: Record<string, unknown>;
  /**
   * Failed DMARC where the From domain asks for quarantine (mx-server.ts): the
   * message starts a conversation of its own with status spam, never joining
   * an existing one — a forged "reply" must not slip into a real thread.
   */
  quarantine?: boolean;
  internalDate?: Date;
  /** A quota notice: stored even into a full mailbox (store-copy.ts). */
  bypassQuota?: boolean;
}

export type StoreOutcome =
  | { mailboxId: number; outcome: "stored"; messageId: number; conversationId: number; folderId: number; uid: number }
  | { mailboxId: number; outcome: "duplicate"; messageId: number }
  | { mailboxId: number; outcome: "over_quota" }
  | { mailboxId: number; outcome: "no_mailbox" };

export async function storeMessage(input: StoreMessageInput, parsed?: ParsedMessage): Promise<StoreOutcome[]> {
  const message = parsed ?? (await parseMessage(input.raw));
  const mailboxIds = [...new Set(input.mailboxIds)];
  if (mailboxIds.length === 1) {
    // One mailbox, the usual case: its write is a single statement, atomic on
    // its own and committed by PostgreSQL as it finishes, with no COMMIT round
    // trip while the mailbox's INBOX row is locked.
    return [
      await storeInMailbox(sql, {
        ...input,
        ...sharedFields(input),
        storeBlob: true,
        message,
        mailboxId: mailboxIds[0] as number,
      }),
    ];
  }
  return sqlTransaction((tx) => storeMessageTx(tx, input, message));
}

/** What every mailbox's copy shares: the blob's key and the arrival time. */
function sharedFields(input: StoreMessageInput) {
  return { blobSha256: blobKey(input.raw), now: input.internalDate ?? new Date() };
}

/**
 * The same, inside the caller's transaction, for callers that must commit
 * more in the same step (outbound mail: the sender's copy, local recipients
 * and the delivery queue together). The caller parses before opening it.
 */
export async function storeMessageTx(
  tx: RawSql,
  input: StoreMessageInput,
  message: ParsedMessage,
): Promise<StoreOutcome[]> {
  const mailboxIds = [...new Set(input.mailboxIds)].sort((a, b) => a - b);
  const shared = sharedFields(input);
  const outcomes: StoreOutcome[] = [];
  for (const mailboxId of mailboxIds) {
    // The bytes travel with the first copy stored; the others share the blob.
    const storeBlob = !outcomes.some((o) => o.outcome === "stored");
    outcomes.push(await storeInMailbox(tx, { ...input, ...shared, mailboxId, storeBlob, message }));
  }
  return outcomes;
}
