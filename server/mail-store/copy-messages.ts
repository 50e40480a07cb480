// IMAP COPY and MOVE (RFC 9051 §6.4.7, RFC 6851), in ONE transaction:
//
// - within one mailbox, each message is filed into the target folder
//   (file-message.ts): the same Message, its quota counted once;
// - into another mailbox, each message goes through the one write path with
//   the same raw bytes (store-message.ts: its own conversation, search tokens
//   and quota there — NO [OVERQUOTA] rolls the whole command back), and keeps
//   its flags and its conversation's tags;
// - MOVE then expunges the originals through the one deletion path
//   (expunge-messages.ts), atomically with the copy.
import { type AuthorizedMailboxId, conversationWithin, oneOf } from "../access/gate.ts";
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { addTagTx } from "../tags/tag-conversation.ts";
import { expungeMessagesTx } from "./expunge-messages.ts";
import { fileMessageTx } from "./file-message.ts";
import { retryOnDeadlock } from "./store-flags.ts";
import { storeMessageTx } from "./store-message.ts";

export type CopyOutcome =
  | { ok: true; uidValidity: number; mapping: Array<[number, number]> }
  | { ok: false; reason: "no_source" | "no_folder" | "over_quota" };

class Refused extends Error {
  constructor(readonly reason: "no_folder" | "over_quota") {
    super(reason);
  }
}

export async function copyMessages(input: {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
  uids: readonly number[];
  target: { mailboxId: AuthorizedMailboxId; folderName: string };
  move: boolean;
  actorId: number;
  ip?: string | null;
}): Promise<CopyOutcome> {
  try {
    return await retryOnDeadlock(() => sqlTransaction((tx) => copyTx(tx, input)));
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason };
    throw error;
  }
}

interface SourceEntry {
  uid: number;
  flags: string[];
  messageId: number;
  blobSha256: string;
  internalDate: Date;
  direction: "inbound" | "outbound";
  tags: string[] | null;
}

async function copyTx(tx: RawSql, input: Parameters<typeof copyMessages>[0]): Promise<CopyOutcome> {
  // Both folders locked in id order (every multi-folder write does so).
  const folders = await tx.$queryRaw<{ id: number; mailboxId: number; name: string; uidValidity: number }[]>`
    select id, "mailboxId", name, "uidValidity" from "Folder"
    where (id = ${input.folderId}::int and "mailboxId" = any(${input.mailboxIds}::int[]))
      or ("mailboxId" = ${input.target.mailboxId}::int and name = ${input.target.folderName})
    order by id for update`;
  const source = folders.find((f) => f.id === input.folderId && oneOf(input.mailboxIds, f.mailboxId) !== null);
  const sourceMailboxId = source ? oneOf(input.mailboxIds, source.mailboxId) : null;
  const target = folders.find((f) => f.mailboxId === input.target.mailboxId && f.name === input.target.folderName);
  if (!source) return { ok: false, reason: "no_source" };
  if (!target) return { ok: false, reason: "no_folder" };
  const entries = await tx.$queryRaw<SourceEntry[]>`
    select fm.uid, fm.flags, m.id as "messageId", m."blobSha256", m."internalDate", m.direction::text as direction,
      (select array_agg(t.name) from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = m."conversationId") as tags
    from "FolderMessage" fm join "Message" m on m.id = fm."messageId"
    where fm."folderId" = ${source.id}::int and fm.uid = any(${input.uids}::int[])
    order by fm.uid`;
  const sameMailbox = source.mailboxId === target.mailboxId;
  const mapping: Array<[number, number]> = [];
  for (const entry of entries) {
    const filed = sameMailbox
      ? await fileMessageTx(tx, {
          mailboxId: target.mailboxId,
          folderName: target.name,
          messageId: entry.messageId,
          flags: entry.flags,
        })
      : await storeCopy(tx, input, target, entry);
    if (!filed) throw new Refused("no_folder");
    mapping.push([entry.uid, filed.uid]);
  }
  if (input.move && entries.length > 0 && sourceMailboxId) {
    await expungeMessagesTx(tx, {
      mailboxId: sourceMailboxId,
      folderId: source.id,
      select: { uids: entries.map((entry) => entry.uid) },
      actorId: input.actorId,
      door: "imap",
      ip: input.ip,
    });
  }
  return { ok: true, uidValidity: target.uidValidity, mapping };
}

async function storeCopy(
  tx: RawSql,
  input: Parameters<typeof copyMessages>[0],
  target: { mailboxId: number; name: string },
  entry: SourceEntry,
): Promise<{ uid: number } | null> {
  const [blob] = await tx.$queryRaw<{ bytes: Buffer }[]>`select bytes from "Blob" where sha256 = ${entry.blobSha256}`;
  if (!blob) throw new Error(`blob ${entry.blobSha256} is not stored`);
  const raw = blob.bytes;
  const [outcome] = await storeMessageTx(
    tx,
    {
      raw,
      mailboxIds: [target.mailboxId],
      direction: entry.direction,
      folder: target.name,
      flags: entry.flags,
      internalDate: entry.internalDate,
    },
    await parseMessage(raw),
  );
  let filed: { uid: number; conversationId: number | null } | null = null;
  if (outcome?.outcome === "stored") filed = outcome;
  else if (outcome?.outcome === "duplicate")
    filed = await fileMessageTx(tx, {
      mailboxId: target.mailboxId,
      folderName: target.name,
      messageId: outcome.messageId,
      flags: entry.flags,
    });
  else if (outcome?.outcome === "over_quota") throw new Refused("over_quota");
  if (filed?.conversationId != null) {
    const conversation = conversationWithin(input.target.mailboxId, filed.conversationId);
    for (const name of entry.tags ?? [])
      await addTagTx(tx, { actorId: input.actorId, conversation, name, ip: input.ip });
  }
  return filed;
}
