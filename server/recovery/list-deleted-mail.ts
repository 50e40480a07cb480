// Finding deleted mail: the admin's recovery page (any mailbox, by mailbox,
// sender, subject and date) and a member's "Recently deleted" (their
// mailboxes, from the gate). Newest deletion first, one page at a time.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { DELETED_PAGE_SIZE, DELETED_RETENTION_DAYS } from "../limits.ts";
import { likeContains } from "../search/like-pattern.ts";

export interface DeletedMailFilter {
  /** Part of the sender's address or name, case-insensitive. */
  from?: string;
  /** Part of the subject, case-insensitive. */
  subject?: string;
  /** The message's date (its arrival) on or after / before. */
  since?: Date;
  before?: Date;
}

export interface DeletedMailItem {
  messageId: number;
  mailbox: { id: number; address: string };
  subject: string;
  fromAddress: string;
  fromName: string;
  internalDate: Date;
  deletedAt: Date;
  deletedBy: string | null;
  deletedVia: string | null;
  /** The conversation it belonged to (hidden while all of its mail is deleted). */
  conversationId: number | null;
  /** When the retention job removes it for good. */
  purgeAt: Date;
}

export async function listDeletedMail(input: {
  mailboxIds: readonly AuthorizedMailboxId[];
  filter: DeletedMailFilter;
  /** The last row of the previous page. */
  after?: { deletedAt: Date; messageId: number };
  limit?: number;
}): Promise<{ items: DeletedMailItem[]; nextCursor: { deletedAt: Date; messageId: number } | null }> {
  const limit = Math.min(input.limit ?? DELETED_PAGE_SIZE, 200);
  const mailboxIds = [...input.mailboxIds];
  if (mailboxIds.length === 0) return { items: [], nextCursor: null };
  const { filter } = input;
  const from = filter.from ? likeContains(filter.from) : null;
  const subject = filter.subject ? likeContains(filter.subject) : null;
  const rows = await sql.$queryRaw<(Omit<DeletedMailItem, "mailbox"> & { mailboxId: number; address: string })[]>`
    select m.id as "messageId", m."mailboxId", mb.address, m.subject, m."fromAddress", m."fromName",
      m."internalDate", m."deletedAt", u.name as "deletedBy", m."deletedVia",
      m."deletedConversationId" as "conversationId",
      m."deletedAt" + make_interval(days => coalesce(mb."deletedRetentionDays", ${DELETED_RETENTION_DAYS}::int)) as "purgeAt"
    from "Message" m
    join "Mailbox" mb on mb.id = m."mailboxId"
    left join "User" u on u.id = m."deletedById"
    where m."mailboxId" = any(${mailboxIds}::int[]) and m."deletedAt" is not null
      and (${from}::text is null or m."fromAddress" ilike ${from}::text or m."fromName" ilike ${from}::text)
      and (${subject}::text is null or m.subject ilike ${subject}::text)
      and (${filter.since ?? null}::timestamptz is null or m."internalDate" >= ${filter.since ?? null}::timestamptz)
      and (${filter.before ?? null}::timestamptz is null or m."internalDate" < ${filter.before ?? null}::timestamptz)
      and (${input.after?.deletedAt ?? null}::timestamptz is null
        or (m."deletedAt", m.id) < (${input.after?.deletedAt ?? null}::timestamptz, ${input.after?.messageId ?? 0}::int))
    order by m."deletedAt" desc, m.id desc
    limit ${limit}::int`;
  const items = rows.map(({ mailboxId, address, ...r }) => ({ ...r, mailbox: { id: mailboxId, address } }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: items.length === limit && last ? { deletedAt: last.deletedAt, messageId: last.messageId } : null,
  };
}
