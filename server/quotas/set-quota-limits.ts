// An admin sets a mailbox's limits: bytes, messages (null = unlimited) and
// the warning thresholds. Mail already stored stays; new mail that would not
// fit is refused everywhere by the one rule (yubin_quota_fits). Changing a
// limit re-arms warnings that no longer apply (trigger yubin_quota_rearm).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_QUOTA_MESSAGES, MAX_QUOTA_WARN_THRESHOLDS } from "../limits.ts";
import { normalizeAddress } from "../mailboxes/address.ts";

export interface QuotaLimits {
  quotaBytes: number | null;
  quotaMessages: number | null;
  warnPercents: number[];
}

/** Thresholds as given: whole percentages 1–100, at most MAX_QUOTA_WARN_THRESHOLDS, sorted and unique. */
export function checkWarnPercents(values: readonly number[]): number[] {
  const unique = [...new Set(values)].sort((a, b) => a - b);
  for (const v of unique) {
    if (!Number.isInteger(v) || v < 1 || v > 100)
      throw new InputError(`warning thresholds are whole percentages from 1 to 100, not ${v}`);
  }
  if (unique.length > MAX_QUOTA_WARN_THRESHOLDS)
    throw new InputError(`at most ${MAX_QUOTA_WARN_THRESHOLDS} warning thresholds`);
  return unique;
}

function checkMessages(value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_QUOTA_MESSAGES)
    throw new InputError(`a message limit is a whole number from 0 to ${MAX_QUOTA_MESSAGES}`);
  return value;
}

/** Sets the limits given (an omitted one stays as it is). */
export async function setQuotaLimits(input: {
  address: string;
  quotaBytes?: number | null;
  quotaMessages?: number | null;
  warnPercents?: readonly number[];
  actorId: number | null;
  ip?: string | null;
}): Promise<QuotaLimits & { address: string }> {
  const { address } = normalizeAddress(input.address);
  const warnPercents = input.warnPercents === undefined ? undefined : checkWarnPercents(input.warnPercents);
  const quotaMessages = input.quotaMessages === undefined ? undefined : checkMessages(input.quotaMessages);
  if (input.quotaBytes != null && (!Number.isSafeInteger(input.quotaBytes) || input.quotaBytes < 0))
    throw new InputError(`"${input.quotaBytes}" is not a usable size`);
  return db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where: { address } });
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    const before = limitsOf(mailbox);
    const updated = await tx.mailbox.update({
      where: { id: mailbox.id },
      data: {
        ...(input.quotaBytes === undefined
          ? {}
          : { quotaBytes: input.quotaBytes === null ? null : BigInt(input.quotaBytes) }),
        ...(quotaMessages === undefined ? {} : { quotaMessages }),
        ...(warnPercents === undefined ? {} : { quotaWarnPercents: warnPercents }),
      },
    });
    const after = limitsOf(updated);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.quota",
        subjectType: "mailbox",
        subjectId: mailbox.id,
        before: { ...before },
        after: { ...after },
        ip: input.ip ?? null,
      },
      tx,
    );
    return { address, ...after };
  });
}

function limitsOf(m: { quotaBytes: bigint | null; quotaMessages: number | null; quotaWarnPercents: number[] }) {
  return {
    quotaBytes: m.quotaBytes === null ? null : Number(m.quotaBytes),
    quotaMessages: m.quotaMessages,
    warnPercents: [...m.quotaWarnPercents].sort((a, b) => a - b),
  };
}
