// The web's read state is IMAP \Seen: opening a conversation in the browser
// marks its messages \Seen through the same function as an IMAP STORE
// (store-flags.ts), so a mail client sees them read and vice versa.
import type { AuthorizedConversation } from "../access/gate.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { retryOnDeadlock, storeFlagsTx } from "./store-flags.ts";

/** Returns how many folder entries became \Seen. */
export async function markConversationRead(input: {
  conversation: AuthorizedConversation;
  actorId: number;
  ip?: string | null;
}): Promise<number> {
  const { conversationId, mailboxId } = input.conversation;
  // Most opens find everything read already: one cheap look before any lock.
  const unread = await sql.$queryRaw<{ folderId: number; uids: number[] }[]>`
    select fm."folderId", array_agg(fm.uid order by fm.uid) as uids
    from "Message" m join "FolderMessage" fm on fm."messageId" = m.id
    where m."conversationId" = ${conversationId}::int and m."mailboxId" = ${mailboxId}::int
      and not ('\\Seen' = any(fm.flags))
    group by fm."folderId" order by fm."folderId"`;
  if (unread.length === 0) return 0;
  return retryOnDeadlock(() =>
    sqlTransaction(async (tx) => {
      let count = 0;
      for (const { folderId, uids } of unread) {
        const result = await storeFlagsTx(tx, {
          mailboxIds: [mailboxId],
          folderId,
          uids,
          mode: "add",
          flags: ["\\Seen"],
          tags: [],
          unchangedSince: null,
          actorId: input.actorId,
          ip: input.ip,
        });
        count += result?.changed.length ?? 0;
      }
      return count;
    }),
  );
}
