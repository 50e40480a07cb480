// Recalculate: recounts a mailbox's usage from the live messages it holds
// (deleted mail waiting in server/recovery/ does not count) and
// reports how far the kept counters had drifted. They are kept exact in the
// same transactions as the mail (store-message.ts, expunge-messages.ts), so a
// drift means something wrote around the one write path (a manual SQL fix, a
// restore from backup) — worth reporting, not only correcting. The mailbox row
// is locked first: a delivery committing meanwhile either is counted here or
// adds to the recounted value after, never both or neither.
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { deliverQuotaNotice } from "../mail-store/store-message.ts";
import { normalizeAddress } from "../mailboxes/address.ts";

export interface UsageCount {
  bytes: number;
  messages: number;
}

export interface Recalculation {
  address: string;
  before: UsageCount;
  after: UsageCount;
  /** after − before: what the counters were missing (negative: what they had too much). */
  drift: UsageCount;
}

export async function recalculateUsage(input: {
  address: string;
  actorId: number | null;
  ip?: string | null;
  now?: Date;
}): Promise<Recalculation> {
  const { address } = normalizeAddress(input.address);
  // Plain SQL (raw-sql.ts): the recount holds the mailbox's row while it sums, and must not
  // give up on a busy machine for want of a pooled Prisma transaction slot.
  const result = await sqlTransaction(async (tx) => {
    const [mailbox] = await tx.$queryRaw<{ id: number; usedBytes: bigint; usedMessages: number }[]>`
      select id, "usedBytes", "usedMessages" from "Mailbox" where address = ${address} for update`;
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    const [count] = await tx.$queryRaw<{ bytes: bigint; messages: number }[]>`
      select coalesce(sum(size), 0)::bigint as bytes, count(*)::int as messages
      from "Message" where "mailboxId" = ${mailbox.id}::int and "deletedAt" is null`;
    const before = { bytes: Number(mailbox.usedBytes), messages: mailbox.usedMessages };
    const after = { bytes: Number(count?.bytes ?? 0n), messages: count?.messages ?? 0 };
    const drift = { bytes: after.bytes - before.bytes, messages: after.messages - before.messages };
    if (drift.bytes !== 0 || drift.messages !== 0) {
      await tx.$queryRaw`
        update "Mailbox" set "usedBytes" = ${after.bytes}::bigint, "usedMessages" = ${after.messages}::int
        where id = ${mailbox.id}::int`;
    }
    // The audit event commits with the recount (as record-audit.ts writes it).
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      values (${input.actorId}::int, 'mailbox.quota_recalculate', 'mailbox', ${String(mailbox.id)},
        ${JSON.stringify(before)}::jsonb, ${JSON.stringify({ ...after, drift })}::jsonb, ${input.ip ?? null}::text)`;
    return { mailboxId: mailbox.id, recalculation: { address, before, after, drift } };
  });
  // Usage found higher than counted may have passed a threshold unnoticed.
  await deliverQuotaNotice(sql, { mailboxId: result.mailboxId, now: input.now ?? new Date() });
  return result.recalculation;
}
