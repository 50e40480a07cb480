// RFC 1939 §6 UPDATE for one session: the messages its login marked with
// DELE, in one transaction, all or none. Under the mailbox's policy:
// - delete: expunged from the INBOX through the one deletion path
//   (expunge-messages.ts), exactly as an IMAP expunge or the web would;
// - keep: hidden from this login's later POP3 sessions (Pop3Hidden), and
//   nothing changes for the team in the browser or over IMAP.
// A message already gone (expunged meanwhile by someone else) is skipped.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sqlTransaction } from "../db/raw-sql.ts";
import { expungeMessages } from "../mail-store/expunge-messages.ts";
import type { Pop3OnDelete } from "../mailboxes/pop3-policy.ts";

export interface Pop3Deletions {
  mailboxId: AuthorizedMailboxId;
  userId: number;
  /** The INBOX the session listed. */
  folderId: number;
  onDelete: Pop3OnDelete;
  /** The marked messages: their UIDs and message ids, as listed at login. */
  uids: number[];
  messageIds: number[];
  ip: string | null;
}

/** Resolves to how many messages were expunged or hidden now. */
export async function commitPop3Deletions(input: Pop3Deletions): Promise<number> {
  if (input.uids.length === 0) return 0;
  if (input.onDelete === "delete") {
    const result = await expungeMessages({
      mailboxId: input.mailboxId,
      folderId: input.folderId,
      select: { uids: input.uids },
      actorId: input.userId,
      door: "pop3",
      ip: input.ip,
    });
    return result.expunged.length;
  }
  return sqlTransaction(async (tx) => {
    const hidden = await tx.$queryRaw<{ messageId: number }[]>`
      insert into "Pop3Hidden" ("userId", "messageId")
      select ${input.userId}::int, m.id from "Message" m
      where m.id = any(${input.messageIds}::int[]) and m."mailboxId" = ${input.mailboxId}::int
      on conflict ("userId", "messageId") do nothing
      returning "messageId"`;
    if (hidden.length > 0) {
      // One event per commit: the same rows record-audit.ts writes, inside this transaction.
      await tx.$queryRaw`
        insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", after, ip)
        values (${input.userId}::int, 'pop3.hide', 'mailbox', ${String(input.mailboxId)},
          ${JSON.stringify({ messageIds: hidden.map((h) => h.messageId) })}::jsonb, ${input.ip}::text)`;
    }
    return hidden.length;
  });
}
