// Retention of the message trace: rows older than YUBIN_TRACE_RETENTION_DAYS
// are deleted by the background housekeeping of every process
// (cli/roles/housekeeping.ts), in short batches (their recipient rows go with
// them, ON DELETE CASCADE). Rows another process is deleting are skipped, not
// waited for, so processes running the purge together never queue up.
import { sql } from "../db/raw-sql.ts";
import { TRACE_PURGE_BATCH } from "../limits.ts";

const DAY_MS = 24 * 3600_000;

/** Deletes traces that started before `now` minus the retention; 0 days (tracing off) keeps none. The count deleted. */
export async function purgeTraces(input: { now: Date; retentionDays: number; batch?: number }): Promise<number> {
  const batch = input.batch ?? TRACE_PURGE_BATCH;
  const cutoff = new Date(input.now.getTime() - Math.max(0, input.retentionDays) * DAY_MS);
  let total = 0;
  for (;;) {
    const rows = await sql.$queryRaw<{ n: bigint }[]>`
      with gone as (
        delete from "MessageTrace" where id in (
          select id from "MessageTrace" where "startedAt" < ${cutoff}
          order by "startedAt" limit ${batch}::int for update skip locked)
        returning 1)
      select count(*) as n from gone`;
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < batch) return total;
  }
}
