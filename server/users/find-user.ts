import type { Prisma } from "../db.ts";
import { InputError } from "../errors.ts";

type Tx = Prisma.TransactionClient;

/**
 * Options for the admin's transactions. Prisma's default 5 s limit counts
 * from the start, and a cold `yubin user …` process compiles each query plan
 * on first use: on a loaded machine that alone has taken 7 s. Lock waits are
 * short here (one user's row, the admins' rows), so a longer bound costs nothing.
 */
export const ADMIN_TRANSACTION = { timeout: 30_000, maxWait: 30_000 } as const;

/** A user named by id (the web) or email (the CLI), or how the caller is told there is none. */
export type UserRef = { id: number } | { email: string };

export function userWhere(ref: UserRef): { id: number } | { email: string } {
  return "id" in ref ? { id: ref.id } : { email: ref.email.trim().toLowerCase() };
}

/** The user's row, locked for the rest of the transaction; not_found otherwise. */
export async function lockUserTx(tx: Tx, ref: UserRef) {
  const where = userWhere(ref);
  const [row] =
    "id" in where
      ? await tx.$queryRaw<{ id: number }[]>`select id from "User" where id = ${where.id} for update`
      : await tx.$queryRaw<{ id: number }[]>`select id from "User" where email = ${where.email} for update`;
  if (!row) throw new InputError("email" in where ? `no user ${where.email}` : "No such user.", "not_found");
  return tx.user.findUniqueOrThrow({
    where: { id: row.id },
    select: { id: true, email: true, name: true, role: true, disabled: true, passwordHash: true },
  });
}
