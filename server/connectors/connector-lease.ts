// Exactly one mail process syncs a connector at a time: it holds the
// connector's lease (leaseOwner, leaseUntil) and renews it while it works.
// A process that dies stops renewing, and once the lease has run out another
// mail process takes the connector up. Every batch of stored mail re-checks
// the lease in its own transaction (store-remote-batch.ts), so a process
// that lost it (paused, removed, taken over) cannot store anything more.
import { sql } from "../db/raw-sql.ts";
import { CONNECTOR_LEASE_MS } from "../limits.ts";

export class LeaseLost extends Error {
  constructor(readonly connectorId: number) {
    super(`connector ${connectorId} is no longer this process's`);
  }
}

export interface ConnectorRow {
  id: number;
  mailboxId: number;
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  checkCertificate: boolean;
  caPem: string | null;
  username: string;
  passwordBox: string;
  folders: string[];
  since: Date | null;
  markSeen: "off" | "imported" | "closed";
  moveTo: string | null;
}

const until = (now: Date, leaseMs: number) => new Date(now.getTime() + leaseMs);

/** Takes every active connector that nobody holds (or whose holder's lease ran out); returns their ids. */
export async function claimConnectors(input: {
  owner: string;
  /** Connectors already held: not claimed again. */
  holding: number[];
  now?: Date;
  leaseMs?: number;
  limit?: number;
}): Promise<number[]> {
  const now = input.now ?? new Date();
  const rows = await sql.$queryRaw<{ id: number }[]>`
    with free as (
      select id from "Connector"
      where not paused and id <> all(${input.holding}::int[])
        and ("leaseOwner" is null or "leaseUntil" < ${now}::timestamptz or "leaseOwner" = ${input.owner})
      order by id limit ${input.limit ?? 100}::int
      for update skip locked
    )
    update "Connector" c set "leaseOwner" = ${input.owner},
      "leaseUntil" = ${until(now, input.leaseMs ?? CONNECTOR_LEASE_MS)}::timestamptz
    from free where c.id = free.id returning c.id`;
  return rows.map((r) => r.id);
}

/** Extends the lease; false when the connector was paused, removed or taken over. */
export async function renewConnectorLease(input: {
  id: number;
  owner: string;
  now?: Date;
  leaseMs?: number;
}): Promise<boolean> {
  const now = input.now ?? new Date();
  const rows = await sql.$queryRaw<{ id: number }[]>`
    update "Connector" set "leaseUntil" = ${until(now, input.leaseMs ?? CONNECTOR_LEASE_MS)}::timestamptz
    where id = ${input.id}::int and "leaseOwner" = ${input.owner} and not paused returning id`;
  return rows.length > 0;
}

/** Gives the connector back (shutdown, pause): another process may take it at once. */
export async function releaseConnector(input: { id: number; owner: string }): Promise<void> {
  await sql.$queryRaw`
    update "Connector" set "leaseOwner" = null, "leaseUntil" = null,
      status = case when paused then 'paused' else 'waiting' end
    where id = ${input.id}::int and "leaseOwner" = ${input.owner}`;
}

/** The connector as the holder of its lease needs it; null when it is not this owner's any more. */
export async function loadHeldConnector(id: number, owner: string): Promise<ConnectorRow | null> {
  const [row] = await sql.$queryRaw<ConnectorRow[]>`
    select id, "mailboxId", host, port, tls::text as tls, "checkCertificate", "caPem", username, "passwordBox",
      folders, since, "markSeen"::text as "markSeen", "moveTo"
    from "Connector" where id = ${id}::int and "leaseOwner" = ${owner} and not paused`;
  return row ?? null;
}

/** What the holder reports: status, and the last error with its time (null clears it). */
export async function reportConnector(input: {
  id: number;
  owner: string;
  status: string;
  error?: string | null;
  synced?: boolean;
  now?: Date;
}): Promise<void> {
  const now = input.now ?? new Date();
  const error = input.error === undefined ? undefined : input.error;
  await sql.$queryRaw`
    update "Connector" set status = ${input.status},
      "lastError" = case when ${error !== undefined} then ${error ?? null}::text else "lastError" end,
      "lastErrorAt" = case when ${error !== undefined && error !== null} then ${now}::timestamptz
        when ${error === null} then null else "lastErrorAt" end,
      "lastSyncAt" = case when ${input.synced === true} then ${now}::timestamptz else "lastSyncAt" end,
      "updatedAt" = ${now}::timestamptz
    where id = ${input.id}::int and "leaseOwner" = ${input.owner}`;
}
