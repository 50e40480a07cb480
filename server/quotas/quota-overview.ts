// What the admin's Quotas page shows: every mailbox's usage against its
// limits, the warning thresholds and which is reached, and the folders that
// hold the most. Counters are read as kept (exact in the same transactions as
// the mail); the folder sizes are summed from the messages filed in them.
import { sql } from "../db/raw-sql.ts";
import { QUOTA_LARGEST_FOLDERS } from "../limits.ts";

export interface FolderUsage {
  name: string;
  bytes: number;
  messages: number;
}

export interface MailboxUsage {
  id: number;
  address: string;
  kind: "personal" | "shared";
  usedBytes: number;
  quotaBytes: number | null;
  usedMessages: number;
  quotaMessages: number | null;
  warnPercents: number[];
  /** The highest threshold reached now (0: none). */
  level: number;
  largestFolders: FolderUsage[];
}

interface Row {
  id: number;
  address: string;
  kind: "personal" | "shared";
  usedBytes: bigint;
  quotaBytes: bigint | null;
  usedMessages: number;
  quotaMessages: number | null;
  warnPercents: number[] | null;
  level: number;
  folders: { name: string; bytes: number | string; messages: number }[];
}

/** Every mailbox, or the one with this id. */
export async function quotaOverview(filter: { mailboxId?: number } = {}): Promise<MailboxUsage[]> {
  const rows = await sql.$queryRaw<Row[]>`
    select m.id, m.address, m.kind::text as kind, m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages",
      m."quotaWarnPercents" as "warnPercents",
      yubin_quota_level(m."usedBytes", m."quotaBytes", m."usedMessages", m."quotaMessages", m."quotaWarnPercents")
        as level,
      coalesce((
        select json_agg(f order by f.bytes desc, f.name) from (
          select fo.name, coalesce(sum(msg.size), 0)::bigint as bytes, count(msg.id)::int as messages
          from "Folder" fo
          left join "FolderMessage" e on e."folderId" = fo.id
          left join "Message" msg on msg.id = e."messageId"
          where fo."mailboxId" = m.id
          group by fo.id, fo.name
          having count(msg.id) > 0
          order by bytes desc, fo.name
          limit ${QUOTA_LARGEST_FOLDERS}
        ) f
      ), '[]'::json) as folders
    from "Mailbox" m
    where ${filter.mailboxId ?? null}::int is null or m.id = ${filter.mailboxId ?? null}::int
    order by m.address`;
  return rows.map((r) => ({
    id: r.id,
    address: r.address,
    kind: r.kind,
    usedBytes: Number(r.usedBytes),
    quotaBytes: r.quotaBytes === null ? null : Number(r.quotaBytes),
    usedMessages: r.usedMessages,
    quotaMessages: r.quotaMessages,
    warnPercents: [...(r.warnPercents ?? [])].sort((a, b) => a - b),
    level: r.level,
    largestFolders: r.folders.map((f) => ({ name: f.name, bytes: Number(f.bytes), messages: f.messages })),
  }));
}
