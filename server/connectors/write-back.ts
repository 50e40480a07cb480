// Optional write-back to the remote mailbox, off by default (Connector
// markSeen, moveTo). Yubin only ever adds \Seen (RFC 9051 §6.4.6 UID STORE
// +FLAGS) and moves (RFC 6851 UID MOVE); it never deletes a remote message,
// so a server without MOVE — where a move would be COPY, \Deleted and
// EXPUNGE — gets no move at all, only a clear error.
//
// At import: the batch that stores the mail marks its ConnectorMessage rows
// writeBackPending in the same transaction (store-remote-batch.ts); after
// the folder's pass the pending rows are written back and cleared. A process
// that dies in between leaves them pending, and the next pass does them.
// At close: each pass looks for messages this connector imported whose
// conversation is closed in Yubin and not yet marked, and marks them where
// they now are (the folder moved to, by the UID COPYUID gave, RFC 4315).
import type { ImapFlow } from "imapflow";
import { sql } from "../db/raw-sql.ts";
import { FolderFailure } from "./describe-failure.ts";

export interface WriteBack {
  markSeen: "off" | "imported" | "closed";
  moveTo: string | null;
}

/** Import-time write-back wanted: the batch marks its rows pending. */
export const atImport = (w: WriteBack) => w.markSeen === "imported" || w.moveTo !== null;

/** A folder is opened read-write only when something will be written to it. */
export const writes = (w: WriteBack) => w.markSeen !== "off" || w.moveTo !== null;

const CHUNK = 500;

/** Writes back the pending rows of the folder now selected (read-write). */
export async function writeBackImported(
  client: ImapFlow,
  input: { connectorId: number; folder: string; uidValidity: bigint; writeBack: WriteBack },
): Promise<number> {
  const { connectorId, folder, uidValidity, writeBack } = input;
  let done = 0;
  for (;;) {
    const rows = await sql.$queryRaw<{ id: number; uid: bigint }[]>`
      select id, uid from "ConnectorMessage"
      where "connectorId" = ${connectorId}::int and folder = ${folder} and "uidValidity" = ${uidValidity}::bigint
        and "writeBackPending"
      order by uid limit ${CHUNK}::int`;
    if (rows.length === 0) return done;
    const uids = rows.map((r) => r.uid.toString()).join(",");
    const seen = writeBack.markSeen === "imported";
    if (seen) await markSeen(client, folder, uids);
    let moved = new Map<bigint, bigint | null>();
    if (writeBack.moveTo && writeBack.moveTo !== folder) {
      if (!client.capabilities.has("MOVE")) {
        throw new FolderFailure(
          folder,
          `Write-back: the server does not offer MOVE (RFC 6851), and Yubin never deletes remote mail: nothing was moved to "${writeBack.moveTo}"`,
        );
      }
      const result = await client.messageMove(uids, writeBack.moveTo, { uid: true });
      if (!result) {
        throw new FolderFailure(
          folder,
          `Write-back: the server refused to move messages to "${writeBack.moveTo}" (does that folder exist there?)`,
        );
      }
      const map = (result as { uidMap?: Map<number, number> }).uidMap;
      moved = new Map(
        rows.map((r) => [r.uid, map?.has(Number(r.uid)) ? BigInt(map.get(Number(r.uid)) as number) : null]),
      );
    }
    await sql.$queryRaw`
      update "ConnectorMessage" cm set "writeBackPending" = false,
        "remoteSeenAt" = case when ${seen} then now() else cm."remoteSeenAt" end,
        "movedTo" = case when r.moved then ${writeBack.moveTo}::text else cm."movedTo" end,
        "movedUid" = case when r.moved then r."movedUid" else cm."movedUid" end
      from unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => moved.has(r.uid))}::boolean[],
        ${rows.map((r) => moved.get(r.uid)?.toString() ?? null)}::bigint[]) as r(id, moved, "movedUid")
      where cm.id = r.id`;
    done += rows.length;
  }
}

/**
 * \Seen on the remote copies of messages whose conversation is closed in
 * Yubin (markSeen "closed"). Leaves the selected folder changed.
 */
export async function writeBackClosed(client: ImapFlow, connectorId: number): Promise<number> {
  const rows = await sql.$queryRaw<{ id: number; folder: string; uid: bigint }[]>`
    select cm.id, coalesce(cm."movedTo", cm.folder) as folder, coalesce(cm."movedUid", cm.uid) as uid
    from "ConnectorMessage" cm
    join "ConnectorFolder" f on f."connectorId" = cm."connectorId" and f.name = cm.folder
      and f."uidValidity" = cm."uidValidity"
    join "Message" m on m.id = cm."messageId"
    join "Conversation" c on c.id = m."conversationId"
    where cm."connectorId" = ${connectorId}::int and cm."remoteSeenAt" is null and cm.outcome <> 'failed'
      and not cm."writeBackPending" and (cm."movedTo" is null or cm."movedUid" is not null)
      and c.status = 'closed'
    order by 2, 3 limit 5000`;
  const byFolder = new Map<string, typeof rows>();
  for (const r of rows) byFolder.set(r.folder, [...(byFolder.get(r.folder) ?? []), r]);
  for (const [folder, list] of byFolder) {
    try {
      await client.mailboxOpen(folder);
    } catch (e) {
      if (!client.usable) throw e;
      throw new FolderFailure(folder, `Write-back: folder "${folder}" cannot be opened to mark closed mail read`);
    }
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      await markSeen(client, folder, chunk.map((r) => r.uid.toString()).join(","));
      await sql.$queryRaw`
        update "ConnectorMessage" set "remoteSeenAt" = now() where id = any(${chunk.map((r) => r.id)}::int[])`;
    }
  }
  return rows.length;
}

/** UID STORE +FLAGS.SILENT (\Seen); imapflow answers false (not an error) when the server refuses or the folder does not take \Seen. */
async function markSeen(client: ImapFlow, folder: string, uids: string): Promise<void> {
  if (!(await client.messageFlagsAdd(uids, ["\\Seen"], { uid: true, silent: true }))) {
    if (!client.usable) throw Object.assign(new Error("the server closed the connection"), { code: "ECONNRESET" });
    throw new FolderFailure(folder, `Write-back: the server refused to mark messages read in "${folder}"`);
  }
}
