// IMAP APPEND (with RFC 3502 MULTIAPPEND: all or nothing) through the one
// write path, store-message.ts: blob, message, conversation, search tokens,
// quota and the folder entry with the client's flags and INTERNALDATE, in one
// transaction. A message the mailbox already has (same Message-ID and body)
// is filed into the folder again instead (file-message.ts). Keywords that are
// tags tag the message's conversation (store-flags.ts explains the mapping).
import { type AuthorizedMailboxId, conversationWithin } from "../access/gate.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { addTagTx } from "../tags/tag-conversation.ts";
import { fileMessageTx } from "./file-message.ts";
import { storeMessageTx } from "./store-message.ts";

export interface AppendedMessage {
  raw: Buffer;
  /** System flags and "$" keywords, kept on the folder entry. */
  flags: readonly string[];
  /** Tag names (the other keywords). */
  tags: readonly string[];
  internalDate: Date | null;
}

export type AppendOutcome =
  | { ok: true; folderId: number; uidValidity: number; uids: number[] }
  | { ok: false; reason: "no_folder" | "over_quota" };

class OverQuota extends Error {}

export async function appendMessages(input: {
  mailboxId: AuthorizedMailboxId;
  folderName: string;
  messages: readonly AppendedMessage[];
  actorId: number;
  ip?: string | null;
}): Promise<AppendOutcome> {
  const [folder] = await sql.$queryRaw<{ id: number; uidValidity: number; specialUse: string | null }[]>`
    select id, "uidValidity", "specialUse" from "Folder" where "mailboxId" = ${input.mailboxId}::int and name = ${input.folderName}`;
  if (!folder) return { ok: false, reason: "no_folder" };
  // What the user files in Sent or Drafts is their own mail: threaded as outbound, no customer contact made.
  const direction = folder.specialUse === "\\Sent" || folder.specialUse === "\\Drafts" ? "outbound" : "inbound";
  const parsed = await Promise.all(input.messages.map((message) => parseMessage(message.raw)));
  try {
    const uids = await sqlTransaction(async (tx) => {
      const out: number[] = [];
      for (const [index, message] of input.messages.entries()) {
        const [outcome] = await storeMessageTx(
          tx,
          {
            raw: message.raw,
            mailboxIds: [input.mailboxId],
            direction,
            folder: input.folderName,
            flags: [...message.flags],
            internalDate: message.internalDate ?? undefined,
          },
          parsed[index] as Awaited<ReturnType<typeof parseMessage>>,
        );
        let filed: { uid: number; conversationId: number | null } | null = null;
        if (outcome?.outcome === "stored") filed = outcome;
        else if (outcome?.outcome === "duplicate")
          filed = await fileMessageTx(tx, {
            mailboxId: input.mailboxId,
            folderName: input.folderName,
            messageId: outcome.messageId,
            flags: message.flags,
          });
        else if (outcome?.outcome === "over_quota") throw new OverQuota();
        if (!filed) throw new Error(`append to folder ${folder.id}: message was not stored`);
        out.push(filed.uid);
        if (filed.conversationId !== null) {
          const conversation = conversationWithin(input.mailboxId, filed.conversationId);
          for (const name of message.tags)
            await addTagTx(tx, { actorId: input.actorId, conversation, name, ip: input.ip });
        }
      }
      return out;
    });
    return { ok: true, folderId: folder.id, uidValidity: folder.uidValidity, uids };
  } catch (error) {
    if (error instanceof OverQuota) return { ok: false, reason: "over_quota" };
    throw error;
  }
}
