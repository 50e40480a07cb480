// One remote folder brought up to date: every message whose UID is above the
// highest one looked at is fetched and stored, batch by batch (each batch one
// transaction with the folder's new highest UID: store-remote-batch.ts).
// Which messages are new is decided by UID alone, never by \Seen: mail read
// on a phone before the connector saw it is imported all the same. The folder
// is opened read-only (EXAMINE), so fetching sets no \Seen remotely either —
// unless write-back is on (write-back.ts), which needs SELECT; fetching then
// still uses BODY.PEEK[], so only the write-back itself changes flags.
// The next batch is fetched while the one before commits.
import type { ImapFlow } from "imapflow";
import { CONNECTOR_BATCH_MESSAGES } from "../limits.ts";
import { parseMessage } from "../mime/parse-message.ts";
import { FolderFailure } from "./describe-failure.ts";
import { addToScan, openFolderState, readLastUid, recordModseq, skipTo } from "./folder-state.ts";
import { type FollowResult, followRemoteChanges } from "./follow-changes.ts";
import type { RemoteNews } from "./remote-news.ts";
import { type BatchResult, type RemoteMessage, storeRemoteBatchSafely } from "./store-remote-batch.ts";
import { atImport, type WriteBack, writeBackImported, writes } from "./write-back.ts";

export interface SyncContext {
  connectorId: number;
  mailboxId: number;
  owner: string;
  since: Date | null;
  signal?: AbortSignal;
  leaseMs?: number;
  batchSize?: number;
  /** This pass is the first folder of a pass: the progress bar starts again. */
  freshScan: boolean;
  /** Off when omitted. */
  writeBack?: WriteBack;
}

export interface FolderSync extends BatchResult, FollowResult {
  folder: string;
  /** UIDVALIDITY changed: the folder was scanned again from the start. */
  rescanned: boolean;
  /** The folder's UIDNEXT when it was opened: mail that came later has a UID from here on. */
  uidNext: bigint | null;
  /** The folder's HIGHESTMODSEQ when it was opened (RFC 7162): a change made later has a higher one. */
  highestModseq: bigint | null;
}

export async function syncFolder(client: ImapFlow, folder: string, ctx: SyncContext): Promise<FolderSync> {
  let mailbox: Awaited<ReturnType<ImapFlow["mailboxOpen"]>>;
  try {
    mailbox = await client.mailboxOpen(folder, { readOnly: !(ctx.writeBack && writes(ctx.writeBack)) });
  } catch (e) {
    if (!client.usable) throw e;
    const said = (e as { responseText?: string }).responseText;
    throw new FolderFailure(folder, `Folder: "${folder}" cannot be opened on the server${said ? ` (${said})` : ""}`);
  }
  const uidValidity = BigInt(mailbox.uidValidity);
  const highestModseq = mailbox.highestModseq === undefined ? null : BigInt(mailbox.highestModseq);
  const state = await openFolderState({ connectorId: ctx.connectorId, folder, uidValidity });
  const uidNext = mailbox.uidNext ? BigInt(mailbox.uidNext) : null;
  const result = noneYet(folder, state.reset, uidNext, highestModseq);
  const writeBack = ctx.writeBack && atImport(ctx.writeBack) ? ctx.writeBack : null;
  // What changed remotely in mail imported before, first: the batches below record the new HIGHESTMODSEQ.
  const followed = await followRemoteChanges(client, {
    connectorId: ctx.connectorId,
    mailboxId: ctx.mailboxId,
    folder,
    uidValidity,
    sinceModseq: state.highestModseq,
    currentModseq: highestModseq,
    lastUid: state.lastUid,
    followSeen: ctx.writeBack?.markSeen !== "imported",
  });
  result.flagged = followed.flagged;
  result.expunged = followed.expunged;
  // Left pending by a pass that ended before writing back (or by this one, below).
  const writeBackNow = async () => {
    if (writeBack && !ctx.signal?.aborted) {
      await writeBackImported(client, { connectorId: ctx.connectorId, folder, uidValidity, writeBack });
    }
  };
  if (mailbox.exists === 0 || (uidNext !== null && uidNext - 1n <= state.lastUid)) {
    await addToScan(ctx.connectorId, 0, ctx.freshScan);
    await recordModseq({ connectorId: ctx.connectorId, folder, uidValidity, highestModseq });
    await writeBackNow();
    return result;
  }
  // RFC 9051 §6.4.4: "N:*" always matches the highest UID even when it is below N, hence the filter.
  const found = await client.search(
    { uid: `${state.lastUid + 1n}:*`, ...(ctx.since ? { since: ctx.since } : {}) },
    { uid: true },
  );
  const uids = (found || [])
    .map((u) => BigInt(u))
    .filter((u) => u > state.lastUid)
    .sort((a, b) => (a < b ? -1 : 1));
  await addToScan(ctx.connectorId, uids.length, ctx.freshScan);

  const size = ctx.batchSize ?? CONNECTOR_BATCH_MESSAGES;
  let committing: Promise<void> = Promise.resolve();
  const add = (r: BatchResult) => {
    result.stored += r.stored;
    result.duplicates += r.duplicates;
    result.known += r.known;
    result.failed += r.failed;
  };
  try {
    for (let i = 0; i < uids.length; i += size) {
      if (ctx.signal?.aborted) break;
      const chunk = uids.slice(i, i + size);
      const wanted = new Set(chunk);
      const messages = await fetchRange(client, chunk.join(","), (uid) => wanted.has(uid));
      await committing;
      const throughUid = chunk.at(-1) as bigint;
      committing = storeRemoteBatchSafely({
        connectorId: ctx.connectorId,
        mailboxId: ctx.mailboxId,
        owner: ctx.owner,
        folder,
        uidValidity,
        highestModseq,
        messages,
        throughUid,
        leaseMs: ctx.leaseMs,
        writeBackPending: writeBack !== null,
      }).then(add);
      // Awaited before the next commit or at the end; until then its failure is not unhandled.
      committing.catch(() => {});
    }
    await committing;
  } catch (e) {
    await committing.catch(() => {});
    throw e;
  }
  // With a since date, the older messages were passed over on purpose: move past them.
  if (ctx.since && uidNext !== null && !ctx.signal?.aborted) {
    await skipTo({ connectorId: ctx.connectorId, folder, uidValidity, uid: uidNext - 1n });
  }
  await writeBackNow();
  return result;
}

/**
 * New mail announced during IDLE in the folder still selected, the direct
 * way: one UID FETCH of everything above the highest UID looked at (or, with
 * a since date, the UID SEARCH a pass makes first), stored as one batch with
 * that UID. HIGHESTMODSEQ is left as recorded: changes made meanwhile are
 * still to be followed by the next pass. Null when a pass must do it: the
 * folder selected is not this one any more, its UIDVALIDITY is not the one
 * recorded, or more mail came than one batch holds.
 */
export async function importNewMail(
  client: ImapFlow,
  folder: string,
  ctx: SyncContext,
  news: RemoteNews,
): Promise<FolderSync | null> {
  const mailbox = client.mailbox;
  const size = ctx.batchSize ?? CONNECTOR_BATCH_MESSAGES;
  if (!mailbox || mailbox.path !== news.path || news.changed || news.newMail > size) return null;
  const uidValidity = BigInt(mailbox.uidValidity);
  const lastUid = await readLastUid({ connectorId: ctx.connectorId, folder, uidValidity });
  if (lastUid === null) return null;
  // Everything announced so far is at most what the fetch below returns; later news waits its turn.
  news.reset();
  const result = noneYet(folder, false, null, null);
  let range = `${lastUid + 1n}:*`;
  if (ctx.since) {
    const found = await client.search({ uid: range, since: ctx.since }, { uid: true });
    const uids = (found || []).map((u) => BigInt(u)).filter((u) => u > lastUid);
    if (uids.length === 0) return result;
    range = uids.join(",");
  }
  // RFC 9051 §6.4.4: "N:*" always matches the highest UID even when it is below N, hence the filter.
  // A flag change the server tells during this fetch comes as one of its rows (imapflow hands every
  // untagged FETCH to the running command), not as news: it is kept as news, for the next pass.
  const messages = await fetchRange(
    client,
    range,
    (uid) => uid > lastUid,
    () => {
      news.changed = true;
    },
  );
  const last = messages.at(-1);
  if (!last) return result;
  const r = await storeRemoteBatchSafely({
    connectorId: ctx.connectorId,
    mailboxId: ctx.mailboxId,
    owner: ctx.owner,
    folder,
    uidValidity,
    highestModseq: null,
    messages,
    throughUid: last.uid,
    leaseMs: ctx.leaseMs,
    writeBackPending: false,
  });
  return { ...result, ...r };
}

/**
 * The messages of a UID set (RFC 9051 §6.4.8 UID FETCH … BODY.PEEK[]), parsed, in UID order.
 * Each is parsed as it arrives, one at a time, and the event loop is let go between two:
 * the batch committing meanwhile gets each answer from PostgreSQL as it comes and sends
 * its next statement, instead of waiting until a whole batch is parsed (100 parses at
 * once, as this did before, held the loop for the length of all of them while PostgreSQL
 * sat idle; docs/benchmarks.md).
 */
async function fetchRange(
  client: ImapFlow,
  range: string,
  keep: (uid: bigint) => boolean,
  unasked?: () => void,
): Promise<RemoteMessage[]> {
  const byUid = new Map<bigint, RemoteMessage>();
  for await (const m of client.fetch(range, { uid: true, source: true, internalDate: true }, { uid: true })) {
    // A row without the body asked for: the server telling a change of flags unasked (RFC 9051 §7.5.2).
    if (!m.source && m.flags) unasked?.();
    const uid = BigInt(m.uid);
    // A UID fetched twice (a server quirk) is one message.
    if (!m.source || !keep(uid) || byUid.has(uid)) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const internalDate = m.internalDate ? new Date(m.internalDate) : null;
    byUid.set(uid, {
      uid,
      raw: m.source,
      internalDate: internalDate && !Number.isNaN(internalDate.getTime()) ? internalDate : null,
      parsed: await parseMessage(m.source),
    });
  }
  return [...byUid.values()].sort((a, b) => (a.uid < b.uid ? -1 : 1));
}

/** A folder's counts before anything of this pass was stored. */
function noneYet(folder: string, rescanned: boolean, uidNext: bigint | null, highestModseq: bigint | null): FolderSync {
  return {
    folder,
    rescanned,
    uidNext,
    highestModseq,
    stored: 0,
    duplicates: 0,
    known: 0,
    failed: 0,
    flagged: 0,
    expunged: 0,
  };
}
