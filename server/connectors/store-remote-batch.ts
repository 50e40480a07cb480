// One batch of remote messages from one folder, in ONE transaction: each
// message through the one write path (its batch form storeMessagesTx; SMTP delivery and
// the importer store mail: threaded, searchable, counted against the quota),
// a ConnectorMessage row per remote UID, the folder's highest UID looked at,
// the connector's counters, and a re-check of the lease. The sync state
// therefore never runs ahead of the mail it stands for, nor behind it: a
// process killed mid-batch leaves neither the mail nor the new UID, and the
// next holder fetches the same UIDs again.
//
// What the connector has seen before (same raw bytes, by sha256, under any
// folder or UIDVALIDITY) is not stored again — also when the Yubin copy has
// since been deleted: a conversation deleted in Yubin stays deleted. Mail the
// mailbox already holds from elsewhere (the same message by SMTP) is a
// duplicate to the write path and stored once. A message that fails to parse
// is stored raw (the write path does that); one the write path throws on is
// tried alone and recorded as failed — never retried forever.
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { CONNECTOR_LEASE_MS } from "../limits.ts";
import { readMailboxStates } from "../mail-store/mailbox-state.ts";
import { blobKey } from "../mail-store/store-blob.ts";
import type { StoreOutcome } from "../mail-store/store-copy.ts";
import { storeMessagesTx } from "../mail-store/store-messages.ts";
import type { ParsedMessage } from "../mime/parse-message.ts";
import { LeaseLost } from "./connector-lease.ts";

export interface RemoteMessage {
  uid: bigint;
  raw: Buffer;
  internalDate: Date | null;
  parsed: ParsedMessage;
}

export interface BatchInput {
  connectorId: number;
  mailboxId: number;
  owner: string;
  folder: string;
  uidValidity: bigint;
  highestModseq: bigint | null;
  messages: RemoteMessage[];
  /** Every UID up to this one has now been looked at (fetched, or gone from the server). */
  throughUid: bigint;
  leaseMs?: number;
  /** Write-back at import is on: each message looked at is marked for it (write-back.ts). */
  writeBackPending?: boolean;
}

export interface BatchResult {
  stored: number;
  duplicates: number;
  known: number;
  failed: number;
}

export class MailboxFull extends Error {
  constructor(readonly address: string) {
    super(`the mailbox ${address} is full: raise its quota and the connector goes on where it stopped`);
  }
}

type Failed = { uid: bigint; reason: string };

export async function storeRemoteBatch(input: BatchInput, failed: Failed[] = []): Promise<BatchResult> {
  return sqlTransaction(async (tx) => {
    const result: BatchResult = { stored: 0, duplicates: 0, known: 0, failed: 0 };
    const rows: RecordRow[] = [];
    const hashes = input.messages.map((m) => blobKey(m.raw));
    // The lease re-checked, and what the connector has looked at before, by content, for the
    // whole batch: one statement (the first row says whether the lease is held).
    const checked = await tx.$queryRaw<{ held: boolean; sha256: string | null; messageId: number | null }[]>`
      with held as (
        update "Connector" set "leaseUntil" = now() + make_interval(secs => ${(input.leaseMs ?? CONNECTOR_LEASE_MS) / 1000}::float8)
        where id = ${input.connectorId}::int and "leaseOwner" = ${input.owner} and not paused returning id
      )
      select exists (select 1 from held) as held, k.sha256, k."messageId"
      from (select 1) as one left join lateral (
        select distinct on (sha256) sha256, "messageId" from "ConnectorMessage"
        where "connectorId" = ${input.connectorId}::int and sha256 = any(${hashes}::text[]) and outcome <> 'failed'
          and exists (select 1 from held)
        order by sha256, id
      ) as k on true`;
    if (!checked[0]?.held) throw new LeaseLost(input.connectorId);
    const knownRows = checked.filter(
      (k): k is { held: boolean; sha256: string; messageId: number | null } => k.sha256 !== null,
    );
    const known = new Map(knownRows.map((k) => [k.sha256, k.messageId]));
    // The same bytes again later in this batch (one message at two UIDs) are known from the first on.
    const firstOf = new Map<string, number>();
    const fresh: number[] = [];
    for (const [i, sha256] of hashes.entries()) {
      if (known.has(sha256) || firstOf.has(sha256)) continue;
      firstOf.set(sha256, i);
      fresh.push(i);
    }
    // The mailbox's state for every message to store, in one statement rather than one per message,
    // then the messages through the one write path's batch form (mail-store/store-messages.ts).
    const messages = fresh.map((i) => input.messages[i] as RemoteMessage);
    const states = await readMailboxStates(
      tx,
      input.mailboxId,
      messages.map((m) => ({ raw: m.raw, message: m.parsed, direction: "inbound" as const })),
    );
    const outcomes = await storeMessagesTx(
      tx,
      input.mailboxId,
      messages.map((m, k) => ({
        input: { raw: m.raw, direction: "inbound", internalDate: m.internalDate ?? m.parsed.date ?? new Date() },
        message: m.parsed,
        state: states[k] ?? null,
      })),
    );
    const outcomeOf = new Map(fresh.map((i, k) => [i, outcomes[k]]));
    for (const [i, m] of input.messages.entries()) {
      const sha256 = hashes[i] as string;
      const outcome = outcomeOf.get(i);
      if (!outcome) {
        const messageId = known.has(sha256)
          ? (known.get(sha256) ?? null)
          : storedId(outcomeOf.get(firstOf.get(sha256) as number));
        rows.push({ uid: m.uid, sha256, messageId, outcome: "known", detail: null });
        result.known++;
      } else if (outcome.outcome === "stored") {
        const detail = m.parsed.parseError ? `stored raw: ${m.parsed.parseError}`.slice(0, 1000) : null;
        rows.push({ uid: m.uid, sha256, messageId: outcome.messageId, outcome: "stored", detail });
        result.stored++;
      } else if (outcome.outcome === "duplicate") {
        rows.push({ uid: m.uid, sha256, messageId: outcome.messageId, outcome: "duplicate", detail: null });
        result.duplicates++;
      } else if (outcome.outcome === "over_quota") {
        const [mailbox] = await tx.$queryRaw<{ address: string }[]>`
          select address from "Mailbox" where id = ${input.mailboxId}::int`;
        throw new MailboxFull(mailbox?.address ?? `#${input.mailboxId}`);
      } else throw new Error(`mailbox ${input.mailboxId} no longer exists`);
    }
    for (const f of failed) {
      rows.push({ uid: f.uid, sha256: "", messageId: null, outcome: "failed", detail: f.reason.slice(0, 1000) });
      result.failed++;
    }
    await recordBatch(tx, input, rows, result);
    return result;
  });
}

/**
 * The batch; when it fails for a reason other than a lost lease or a full
 * mailbox, each message alone, and one that fails alone while the database
 * answers is recorded as failed so the folder moves on past it.
 */
export async function storeRemoteBatchSafely(input: BatchInput): Promise<BatchResult> {
  try {
    return await storeRemoteBatch(input);
  } catch (error) {
    if (error instanceof LeaseLost || error instanceof MailboxFull) throw error;
    await sql.$queryRaw`select 1`; // a database that is down throws here: the batch is fetched again later
    const total: BatchResult = { stored: 0, duplicates: 0, known: 0, failed: 0 };
    for (const [i, m] of input.messages.entries()) {
      const through = input.messages[i + 1] ? m.uid : input.throughUid;
      let r: BatchResult;
      try {
        r = await storeRemoteBatch({ ...input, messages: [m], throughUid: through });
      } catch (alone) {
        if (alone instanceof LeaseLost || alone instanceof MailboxFull) throw alone;
        await sql.$queryRaw`select 1`;
        const reason = (alone as Error).message ?? String(alone);
        r = await storeRemoteBatch({ ...input, messages: [], throughUid: through }, [{ uid: m.uid, reason }]);
      }
      total.stored += r.stored;
      total.duplicates += r.duplicates;
      total.known += r.known;
      total.failed += r.failed;
    }
    return total;
  }
}

interface RecordRow {
  uid: bigint;
  sha256: string;
  messageId: number | null;
  outcome: "stored" | "duplicate" | "known" | "failed";
  detail: string | null;
}

/**
 * The batch's ConnectorMessage rows, the folder's highest UID looked at and the connector's
 * counters: one statement (three round trips before, each waited for inside the transaction).
 */
async function recordBatch(tx: RawSql, input: BatchInput, rows: RecordRow[], result: BatchResult) {
  const looked = rows.length; // one per message, known ones included, and one per failure
  await tx.$queryRaw`
    with recorded as (
      insert into "ConnectorMessage" ("connectorId", folder, "uidValidity", uid, sha256, "messageId", outcome, detail,
        "writeBackPending")
      select ${input.connectorId}::int, ${input.folder}, ${input.uidValidity}::bigint, r.uid, r.sha256, r."messageId",
        r.outcome, r.detail, ${input.writeBackPending ?? false}::boolean and r.outcome <> 'failed'
      from unnest(${rows.map((r) => r.uid.toString())}::bigint[], ${rows.map((r) => r.sha256)}::text[],
        ${rows.map((r) => r.messageId)}::int[], ${rows.map((r) => r.outcome)}::text[], ${rows.map((r) => r.detail)}::text[])
        as r(uid, sha256, "messageId", outcome, detail)
      on conflict ("connectorId", folder, "uidValidity", uid) do nothing
    ), folder as (
      update "ConnectorFolder" set "lastUid" = greatest("lastUid", ${input.throughUid}::bigint),
        "highestModseq" = coalesce(${input.highestModseq}::bigint, "highestModseq"), "lastError" = null, "lastErrorAt" = null
      where "connectorId" = ${input.connectorId}::int and name = ${input.folder}
        and "uidValidity" = ${input.uidValidity}::bigint
    )
    update "Connector" set imported = imported + ${result.stored + result.duplicates}::int,
      "scanDone" = least("scanTotal", "scanDone" + ${looked}::int), "lastSyncAt" = now(), "updatedAt" = now()
    where id = ${input.connectorId}::int`;
}

function storedId(outcome: StoreOutcome | undefined): number | null {
  return outcome && "messageId" in outcome ? outcome.messageId : null;
}
