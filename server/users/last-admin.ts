// Someone must be left to administer Yubin: the last enabled admin cannot be
// disabled, demoted or removed, by anyone (the CLI included — it acts as no
// user, and `yubin user add --admin` is the way to make another admin first).
import type { RawSql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";

export const LAST_ADMIN = "The last admin cannot be disabled, demoted or removed: make someone else an admin first.";

/**
 * Throws unless another enabled admin remains besides `userId`. Every
 * change that can take an admin away takes one transaction-level lock first
 * and counts after it (READ COMMITTED: each statement sees what committed
 * before it), so two admins disabling each other at the same time cannot
 * both succeed — and, unlike locking the admins' rows, two such changes can
 * never deadlock on rows each already holds.
 */
export async function assertAnotherAdminTx(tx: RawSql, userId: number): Promise<void> {
  await tx.$queryRaw`select pg_advisory_xact_lock(hashtext('yubin.last-admin'))::text`;
  const [row] = await tx.$queryRaw<{ others: number }[]>`
    select count(*)::int as others from "User" where role = 'admin' and not disabled and id <> ${userId}::int`;
  if (!row || row.others === 0) throw new InputError(LAST_ADMIN);
}
