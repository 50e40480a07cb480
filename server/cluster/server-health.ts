// The admin's server status page in one read: what `yubin status` reports
// (every process with its roles, listeners and last heartbeat: cluster-nodes.ts), the size of
// the database and of the blob store, the outbound queue's depth and oldest
// job, mail per hour over the last day, and the errors processes logged lately.
import { sql } from "../db/raw-sql.ts";
import { queueTotals } from "../outbound/queue-admin.ts";
import { type ClusterNode, clusterNodes } from "./cluster-nodes.ts";
import { type ProcessErrorRow, recentErrors } from "./error-log.ts";
import { type HourCount, mailPerHour } from "./mail-per-hour.ts";

/** Errors listed on the page, newest first. */
export const STATUS_PAGE_ERRORS = 50;

export interface ServerHealth {
  at: Date;
  /** Every process that reported in, as `yubin status` lists them. */
  nodes: ClusterNode[];
  /** Migrations applied to the database (a running process has applied every one it knows). */
  migrationsApplied: number;
  storage: {
    /** pg_database_size of Yubin's database. */
    databaseBytes: number;
    /** The blob store on disk: the Blob table with its TOAST and indexes. */
    blobBytes: number;
  };
  queue: { jobs: number; oldest: Date | null };
  mailPerHour: HourCount[];
  errors: ProcessErrorRow[];
}

export async function serverHealth(now = new Date()): Promise<ServerHealth> {
  const [nodes, sizes, queue, hours, errors] = await Promise.all([
    clusterNodes(now.getTime()),
    sql.$queryRaw<{ database: bigint; blobs: bigint; migrations: number }[]>`
      select pg_database_size(current_database()) as database, pg_total_relation_size('"Blob"') as blobs,
        (select count(*)::int from "_prisma_migrations" where finished_at is not null and rolled_back_at is null)
          as migrations`,
    queueTotals(),
    mailPerHour(now),
    recentErrors(STATUS_PAGE_ERRORS),
  ]);
  const size = sizes[0];
  return {
    at: now,
    nodes,
    migrationsApplied: size?.migrations ?? 0,
    storage: { databaseBytes: Number(size?.database ?? 0), blobBytes: Number(size?.blobs ?? 0) },
    queue: { jobs: queue.jobs, oldest: queue.oldest },
    mailPerHour: hours,
    errors,
  };
}
