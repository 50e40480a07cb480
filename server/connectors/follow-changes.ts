// Remote changes to mail the connector already imported, applied to the
// Yubin copies it stored: a flag changed on the remote server (\Seen, e.g.
// read on a phone; \Flagged) changes it on the Yubin copy, through the same
// function as an IMAP STORE or opening the conversation in the browser
// (mail-store/store-flags.ts); a message expunged there becomes deleted mail
// in Yubin (recovery/delete-mail.ts: restorable for the retention window).
//
// How changes are found, by what the server offers:
// - QRESYNC (RFC 7162 §3.2.6): one UID FETCH (FLAGS) (CHANGEDSINCE m VANISHED)
//   from the folder's HIGHESTMODSEQ as last recorded gives both;
// - CONDSTORE alone (§3.1.4): the same fetch for flags, and a UID SEARCH of
//   the imported range for expunges (what is no longer listed is gone);
// - neither: the UID SEARCH for expunges only; flag changes are not followed.
// The first import records HIGHESTMODSEQ with its batches, so only what
// changed after it is looked at. A UIDVALIDITY change voids the recorded
// value (folder-state.ts): nothing is followed across it.
//
// Not followed: messages the connector moved away itself (write-back, or a
// move still pending), messages it did not store (duplicates of mail that
// came otherwise, or known from before), and \Seen when write-back marks
// imported mail \Seen (the remote flag is then Yubin's own doing). An
// expunge is applied once: the connector's record of the message drops its
// link to the Yubin copy, so a copy restored in Yubin stays.
import type { ImapFlow } from "imapflow";
import { type AuthorizedMailboxId, connectorMailbox } from "../access/gate.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { storeFlagsTx } from "../mail-store/store-flags.ts";
import { deleteMail } from "../recovery/delete-mail.ts";

/** The system flags whose remote changes are mirrored. */
const FOLLOWED = ["\\Seen", "\\Flagged"] as const;

export interface FollowInput {
  connectorId: number;
  mailboxId: number;
  folder: string;
  uidValidity: bigint;
  /** HIGHESTMODSEQ as recorded before this pass; null: none yet (first import, or no CONDSTORE). */
  sinceModseq: bigint | null;
  /** HIGHESTMODSEQ now (the folder's SELECT): when it is the recorded one, nothing changed (RFC 7162 §3.1.2.1). */
  currentModseq: bigint | null;
  /** The highest UID looked at before this pass: nothing above it was imported yet. */
  lastUid: bigint;
  /** False when write-back marks imported mail \Seen remotely. */
  followSeen: boolean;
}

export interface FollowResult {
  /** Yubin copies whose flags changed. */
  flagged: number;
  /** Yubin copies deleted because the remote message was expunged. */
  expunged: number;
}

/** For the folder now selected. */
export async function followRemoteChanges(client: ImapFlow, input: FollowInput): Promise<FollowResult> {
  const result: FollowResult = { flagged: 0, expunged: 0 };
  if (input.lastUid === 0n) return result;
  const range = `1:${input.lastUid}`;
  const condstore = input.sinceModseq !== null && input.currentModseq !== null && client.enabled.has("CONDSTORE");
  const qresync = condstore && client.enabled.has("QRESYNC");
  if (qresync && input.currentModseq === input.sinceModseq) return result;
  let gone: bigint[] = [];
  if (condstore) {
    const vanished: bigint[] = [];
    // RFC 7162 §3.2.10: VANISHED (EARLIER) answers the fetch with the UIDs expunged since the modseq.
    const onExpunge = (e: { uid?: number; vanished?: boolean }) => {
      if (e.vanished && e.uid) vanished.push(BigInt(e.uid));
    };
    client.on("expunge", onExpunge);
    const changed: { uid: bigint; flags: Set<string> }[] = [];
    try {
      for await (const m of client.fetch(
        range,
        { uid: true, flags: true },
        { uid: true, changedSince: input.sinceModseq as bigint },
      )) {
        if (m.flags) changed.push({ uid: BigInt(m.uid), flags: m.flags });
      }
    } finally {
      client.off("expunge", onExpunge);
    }
    result.flagged = await applyFlags(input, changed);
    if (qresync) gone = vanished;
  }
  if (!qresync) gone = await missingRemotely(client, input, range);
  result.expunged = await applyExpunges(input, gone);
  return result;
}

/** Imported UIDs no longer listed by UID SEARCH: the fallback without QRESYNC. */
async function missingRemotely(client: ImapFlow, input: FollowInput, range: string): Promise<bigint[]> {
  const listed = await client.search({ uid: range }, { uid: true });
  if (!listed) return [];
  const present = new Set(listed.map((u) => BigInt(u)));
  const ours = await sql.$queryRaw<{ uid: bigint }[]>`
    select uid from "ConnectorMessage"
    where "connectorId" = ${input.connectorId}::int and folder = ${input.folder}
      and "uidValidity" = ${input.uidValidity}::bigint and uid <= ${input.lastUid}::bigint
      and outcome = 'stored' and "messageId" is not null and "movedTo" is null and not "writeBackPending"`;
  return ours.map((r) => r.uid).filter((u) => !present.has(u));
}

/** The Yubin copies this connector stored from these remote UIDs, still live. */
async function copiesOf(input: FollowInput, uids: bigint[]) {
  return sql.$queryRaw<{ uid: bigint; messageId: number }[]>`
    select cm.uid, cm."messageId" from "ConnectorMessage" cm join "Message" m on m.id = cm."messageId"
    where cm."connectorId" = ${input.connectorId}::int and cm.folder = ${input.folder}
      and cm."uidValidity" = ${input.uidValidity}::bigint and cm.uid = any(${uids.map(String)}::bigint[])
      and cm.outcome = 'stored' and cm."movedTo" is null and not cm."writeBackPending"
      and m."mailboxId" = ${input.mailboxId}::int and m."deletedAt" is null`;
}

async function applyFlags(input: FollowInput, changed: { uid: bigint; flags: Set<string> }[]): Promise<number> {
  if (changed.length === 0) return 0;
  const copies = await copiesOf(
    input,
    changed.map((c) => c.uid),
  );
  if (copies.length === 0) return 0;
  const remoteFlags = new Map(changed.map((c) => [c.uid, c.flags]));
  const wantedByMessage = new Map(copies.map((c) => [c.messageId, remoteFlags.get(c.uid) as Set<string>]));
  // Every folder the copy is filed in (it may have been moved in Yubin since).
  const entries = await sql.$queryRaw<{ folderId: number; uid: number; messageId: number; flags: string[] }[]>`
    select fm."folderId", fm.uid, fm."messageId", fm.flags from "FolderMessage" fm
    where fm."messageId" = any(${[...wantedByMessage.keys()]}::int[]) order by fm."folderId", fm.uid`;
  const followed = FOLLOWED.filter((f) => f !== "\\Seen" || input.followSeen);
  // One STORE per folder, flag and direction, only for entries that differ.
  const plans = new Map<string, { folderId: number; flag: string; mode: "add" | "remove"; uids: number[] }>();
  for (const e of entries) {
    const remote = wantedByMessage.get(e.messageId) as Set<string>;
    for (const flag of followed) {
      const want = remote.has(flag);
      if (want === e.flags.includes(flag)) continue;
      const mode = want ? "add" : "remove";
      const key = `${e.folderId} ${flag} ${mode}`;
      const plan = plans.get(key) ?? { folderId: e.folderId, flag, mode, uids: [] };
      plan.uids.push(e.uid);
      plans.set(key, plan);
    }
  }
  if (plans.size === 0) return 0;
  const mailboxId = await authority(input);
  return sqlTransaction(async (tx) => {
    const touched = new Set<string>();
    for (const plan of plans.values()) {
      const r = await storeFlagsTx(tx, {
        mailboxIds: [mailboxId],
        folderId: plan.folderId,
        uids: plan.uids,
        mode: plan.mode,
        flags: [plan.flag],
        tags: [],
        unchangedSince: null,
        actorId: null,
      });
      for (const c of r?.changed ?? []) touched.add(`${plan.folderId} ${c.uid}`);
    }
    return touched.size;
  });
}

async function authority(input: FollowInput): Promise<AuthorizedMailboxId> {
  const mailboxId = await connectorMailbox(input.connectorId);
  if (mailboxId !== input.mailboxId)
    throw new Error(`connector ${input.connectorId} no longer imports into this mailbox`);
  return mailboxId;
}

async function applyExpunges(input: FollowInput, uids: bigint[]): Promise<number> {
  if (uids.length === 0) return 0;
  const copies = await copiesOf(input, uids);
  if (copies.length === 0) return 0;
  const result = await deleteMail({
    mailboxId: await authority(input),
    select: { messageIds: copies.map((c) => c.messageId) },
    actorId: null,
    door: "connector",
  });
  // Applied once: a copy restored in Yubin later is not deleted again on the next pass.
  await sql.$queryRaw`
    update "ConnectorMessage" set "messageId" = null, detail = 'expunged on the remote server'
    where "connectorId" = ${input.connectorId}::int and folder = ${input.folder}
      and "uidValidity" = ${input.uidValidity}::bigint and uid = any(${copies.map((c) => c.uid.toString())}::bigint[])`;
  return result.deletedMessageIds.length;
}
