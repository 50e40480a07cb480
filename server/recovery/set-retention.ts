// How long a mailbox's deleted mail stays restorable: an admin's setting,
// audited. Null returns the mailbox to the default (DELETED_RETENTION_DAYS).
// A shorter window applies to mail already deleted: the next purge run
// removes what is now past it.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { DELETED_RETENTION_DAYS, MAX_DELETED_RETENTION_DAYS } from "../limits.ts";

export const RETENTION_PROBLEM = `Retention must be a whole number of days from 1 to ${MAX_DELETED_RETENTION_DAYS}.`;

export async function setDeletedRetention(input: {
  mailboxId: AuthorizedMailboxId;
  days: number | null;
  /** Null for the operator at the command line. */
  actorId: number | null;
  ip?: string | null;
}): Promise<{ days: number; isDefault: boolean }> {
  const { days } = input;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_DELETED_RETENTION_DAYS)) {
    throw new InputError(RETENTION_PROBLEM);
  }
  return sqlTransaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ before: number | null }[]>`
      update "Mailbox" m set "deletedRetentionDays" = ${days}::int
      from (select id, "deletedRetentionDays" from "Mailbox" where id = ${input.mailboxId}::int for update) old
      where m.id = old.id
      returning old."deletedRetentionDays" as before`;
    if (!row) throw new InputError("No such mailbox.", "not_found");
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      values (${input.actorId}::int, 'mailbox.retention', 'mailbox', ${String(input.mailboxId)},
        ${JSON.stringify({ days: row.before })}::jsonb, ${JSON.stringify({ days })}::jsonb, ${input.ip ?? null}::text)`;
    return { days: days ?? DELETED_RETENTION_DAYS, isDefault: days === null };
  });
}

/** The mailbox's window in days, and whether it is the default. */
export async function deletedRetention(mailboxId: AuthorizedMailboxId): Promise<{ days: number; isDefault: boolean }> {
  const [row] = await sql.$queryRaw<{ days: number | null }[]>`
    select "deletedRetentionDays" as days from "Mailbox" where id = ${mailboxId}::int`;
  const days = row?.days ?? null;
  return { days: days ?? DELETED_RETENTION_DAYS, isDefault: days === null };
}
