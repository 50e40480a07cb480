// RFC 9208 QUOTA: one quota root per mailbox, named by its address, with
// STORAGE (in KiB) and MESSAGE from the mailbox's limits and its exact usage
// counters (kept by the write and deletion paths).
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface MailboxQuota {
  address: string;
  quotaBytes: number | null;
  usedBytes: number;
  quotaMessages: number | null;
  usedMessages: number;
}

export async function mailboxQuota(mailboxId: AuthorizedMailboxId): Promise<MailboxQuota | null> {
  const [row] = await sql.$queryRaw<
    {
      address: string;
      quotaBytes: bigint | null;
      usedBytes: bigint;
      quotaMessages: number | null;
      usedMessages: number;
    }[]
  >`select address, "quotaBytes", "usedBytes", "quotaMessages", "usedMessages" from "Mailbox" where id = ${mailboxId}::int`;
  if (!row) return null;
  return {
    address: row.address,
    quotaBytes: row.quotaBytes === null ? null : Number(row.quotaBytes),
    usedBytes: Number(row.usedBytes),
    quotaMessages: row.quotaMessages,
    usedMessages: row.usedMessages,
  };
}
