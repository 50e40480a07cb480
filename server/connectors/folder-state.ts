// The sync state of one remote folder (ConnectorFolder). RFC 9051 §2.3.1.1:
// a UID means the same message only while the folder's UIDVALIDITY is the
// same. When it changes (the folder was recreated, the server restored or
// migrated), every UID recorded is void: the folder is scanned again from the
// start, and what the connector already has is recognised by its content
// (store-remote-batch.ts), so only what is missing is imported.
import { sql } from "../db/raw-sql.ts";

export interface FolderState {
  uidValidity: bigint | null;
  lastUid: bigint;
  /** RFC 7162: the remote folder's HIGHESTMODSEQ as last recorded; null after a UIDVALIDITY change. */
  highestModseq: bigint | null;
}

export async function openFolderState(input: {
  connectorId: number;
  folder: string;
  uidValidity: bigint;
}): Promise<FolderState & { reset: boolean }> {
  const [row] = await sql.$queryRaw<FolderState[]>`
    with made as (
      insert into "ConnectorFolder" ("connectorId", name) values (${input.connectorId}::int, ${input.folder})
      on conflict ("connectorId", name) do nothing returning "uidValidity", "lastUid", "highestModseq"
    )
    select "uidValidity", "lastUid", "highestModseq" from made
    union all
    select "uidValidity", "lastUid", "highestModseq" from "ConnectorFolder" where "connectorId" = ${input.connectorId}::int and name = ${input.folder}
    limit 1`;
  const state = row ?? { uidValidity: null, lastUid: 0n, highestModseq: null };
  if (state.uidValidity === input.uidValidity) return { ...state, reset: false };
  await sql.$queryRaw`
    update "ConnectorFolder" set "uidValidity" = ${input.uidValidity}::bigint, "lastUid" = 0, "highestModseq" = null
    where "connectorId" = ${input.connectorId}::int and name = ${input.folder}`;
  return { uidValidity: input.uidValidity, lastUid: 0n, highestModseq: null, reset: state.uidValidity !== null };
}

/** Records (or clears, with null) the folder's own failure, so one folder's trouble is visible beside the others'. */
export async function reportFolder(input: { connectorId: number; folder: string; error: string | null; now?: Date }) {
  await sql.$queryRaw`
    insert into "ConnectorFolder" ("connectorId", name, "lastError", "lastErrorAt")
    values (${input.connectorId}::int, ${input.folder}, ${input.error}::text,
      case when ${input.error}::text is null then null else ${input.now ?? new Date()}::timestamptz end)
    on conflict ("connectorId", name) do update set "lastError" = excluded."lastError", "lastErrorAt" = excluded."lastErrorAt"`;
}

/** Adds what this pass will look at to the connector's progress (the admin panel's bar). */
export async function addToScan(connectorId: number, count: number, fresh: boolean): Promise<void> {
  await sql.$queryRaw`
    update "Connector" set "scanTotal" = case when ${fresh} then ${count}::int else "scanTotal" + ${count}::int end,
      "scanDone" = case when ${fresh} then 0 else "scanDone" end
    where id = ${connectorId}::int`;
}

/** Moves the folder past UIDs looked at but deliberately not fetched (older than the connector's since date). */
export async function skipTo(input: { connectorId: number; folder: string; uidValidity: bigint; uid: bigint }) {
  await sql.$queryRaw`
    update "ConnectorFolder" set "lastUid" = greatest("lastUid", ${input.uid}::bigint)
    where "connectorId" = ${input.connectorId}::int and name = ${input.folder}
      and "uidValidity" = ${input.uidValidity}::bigint`;
}

/**
 * RFC 7162 §3.1.2.1: the folder's HIGHESTMODSEQ when the pass found nothing
 * new (a batch records it with its mail otherwise), so the state says up to
 * which change the folder was looked at even when mail was only read or
 * moved remotely.
 */
export async function recordModseq(input: {
  connectorId: number;
  folder: string;
  uidValidity: bigint;
  highestModseq: bigint | null;
}) {
  if (input.highestModseq === null) return;
  await sql.$queryRaw`
    update "ConnectorFolder" set "highestModseq" = ${input.highestModseq}::bigint
    where "connectorId" = ${input.connectorId}::int and name = ${input.folder}
      and "uidValidity" = ${input.uidValidity}::bigint`;
}

/** The highest UID looked at in the folder under this UIDVALIDITY; null when the state is for another one (or none). */
export async function readLastUid(input: { connectorId: number; folder: string; uidValidity: bigint }) {
  const [row] = await sql.$queryRaw<{ lastUid: bigint }[]>`
    select "lastUid" from "ConnectorFolder"
    where "connectorId" = ${input.connectorId}::int and name = ${input.folder} and "uidValidity" = ${input.uidValidity}::bigint`;
  return row?.lastUid ?? null;
}
