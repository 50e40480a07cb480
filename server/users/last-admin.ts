// Someone must be left to administer Yubin: the last enabled admin cannot be
// disabled, demoted or removed, by anyone (the CLI included — it acts as no
// user, and `yubin user add --admin` is the way to make another admin first).
import type { RawSql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";

export const LAST_ADMIN = "The last admin cannot be disabled, demoted or removed: make someone else an admin first.";

/**
 * Throws unless another enabled admin remains besides `userId`. The enabled
 * admins' rows are locked, so two admins disabling each other at the same
 * time cannot both succeed.
 */
export async function assertAnotherAdminTx(tx: RawSql, userId: number): Promise<void> {
  const admins = await tx.$queryRaw<{ id: number }[]>`
    select id from "User" where role = 'admin' and not disabled order by id for update`;
  if (!admins.some((a) => a.id !== userId)) throw new InputError(LAST_ADMIN);
}
