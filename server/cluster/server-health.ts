// The admin's server status page in one read: what `yubin status` reports
// (every process with its roles, listeners and last heartbeat), the size of
// the database and of the blob store, the outbound queue's depth and oldest
// job, mail per hour over the last day, and the errors processes logged lately.
import { sql } from "../db/raw-sql.ts";
import { queueTotals } from "../outbound/queue-admin.ts";
import { type ClusterStatus, clusterStatus } from "./cluster-status.ts";
import { type ProcessErrorRow, recentErrors } from "./error-log.ts";
import { type HourCount, mailPerHour } from "./mail-per-hour.ts";

/** Errors listed on the page, newest first. */
export const STATUS_PAGE_ERRORS = 50;

export interface ServerHealth {
  at: Date;
  cluster: ClusterStatus;
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
  const [cluster, sizes, queue, hours, errors] = await Promise.all([
    clusterStatus(),
    sql.$queryRaw<{ database: bigint; blobs: bigint }[]>`
      select pg_database_size(current_database()) as database, pg_total_relation_size('"Blob"') as blobs`,
    queueTotals(),
    mailPerHour(now),
    recentErrors(STATUS_PAGE_ERRORS),
  ]);
  const size = sizes[0];
  return {
    at: now,
    cluster,
    storage: { databaseBytes: Number(size?.database ?? 0), blobBytes: Number(size?.blobs ?? 0) },
    queue: { jobs: queue.jobs, oldest: queue.oldest },
    mailPerHour: hours,
    errors,
  };
}
