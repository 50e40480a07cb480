// The inbox banner: the mailboxes a user works in whose usage has reached a
// warning threshold (yubin_quota_level > 0), for every member to see.
import { MAILBOX_ACCESS } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface QuotaWarning {
  mailboxId: number;
  address: string;
  level: number;
  usedBytes: number;
  quotaBytes: number | null;
  usedMessages: number;
  quotaMessages: number | null;
}

export async function quotaWarningsFor(userId: number): Promise<QuotaWarning[]> {
  const rows = await sql.$queryRaw<
    (Omit<QuotaWarning, "usedBytes" | "quotaBytes"> & { usedBytes: bigint; quotaBytes: bigint | null })[]
  >`
    select * from (
      select m.id as "mailboxId", m.address, m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages",
        yubin_quota_level(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", m."quotaWarnPercents")
          as level
      from "Mailbox" m
      where (m."quotaBytes" is not null or m."quotaMessages" is not null)
        and exists (select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = m.id and a."userId" = ${userId}::int)
    ) w where level > 0
    order by level desc, address`;
  return rows.map((r) => ({
    ...r,
    usedBytes: Number(r.usedBytes),
    quotaBytes: r.quotaBytes === null ? null : Number(r.quotaBytes),
  }));
}
