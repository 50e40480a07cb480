// One conversation as a row of a list — the inbox folders and the search results
// alike, so both show the same customer, subject, snippet, status, assignee,
// mailbox, tags, unread and draft marks. The caller chooses the rows (a page
// query yielding ids) and their order; this reads what a row shows.
import { db, Prisma } from "../db.ts";
import type { Status } from "../workflow/status-labels.ts";

export interface InboxConversation {
  id: number;
  mailbox: { id: number; address: string; displayName: string };
  subject: string;
  customer: { name: string; email: string } | null;
  snippet: string;
  status: Status;
  assignee: { id: number; name: string } | null;
  snoozedUntil: Date | null;
  messageCount: number;
  lastMessageAt: Date;
  tags: { id: number; name: string }[];
  /** A message of it is not \Seen (the web's read state is IMAP's, server/mail-store/mark-read.ts). */
  unread: boolean;
  /** The reader has a draft reply in it (server/drafts/), which only they see. */
  draft: boolean;
  /**
   * Since when the customer has waited for an answer: their earliest message not yet answered,
   * i.e. the first after our latest reply (their first message when nobody has replied);
   * Conversation.waitingSince, kept by the writes of messages. Read only for the waiting-longest
   * sort (null elsewhere, and when our reply is the latest message).
   */
  waitingSince: Date | null;
}

export async function inboxRows(input: {
  /** The reader: their own draft marks. */
  userId: number;
  /** A query yielding the rows' ids as `id` (and whatever `order` needs), aliased `page` below. */
  page: Prisma.Sql;
  /** The rows' order, over `page` and the conversation `c`. */
  order: Prisma.Sql;
  /** Read waitingSince (the waiting-longest sort). */
  waiting?: boolean;
}): Promise<InboxConversation[]> {
  const rows = await db().$queryRaw<Row[]>`
    with page as (${input.page})
    select c.id, c.subject, c.status::text as status, c."messageCount", c."lastMessageAt", c."snoozedUntil",
      mbx.id as "mailboxId", mbx.address as "mailboxAddress", mbx."displayName" as "mailboxDisplayName",
      ct.name as "customerName", ct.email as "customerEmail", u.id as "assigneeId", u.name as "assigneeName",
      (select m.snippet from "Message" m where m."conversationId" = c.id
        order by m."internalDate" desc, m.id desc limit 1) as snippet,
      (select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name) order by t.name, t.id), '[]'::json)
        from "ConversationTag" ctag join "Tag" t on t.id = ctag."tagId" where ctag."conversationId" = c.id) as tags,
      exists (select 1 from "Message" m join "FolderMessage" fm on fm."messageId" = m.id
        where m."conversationId" = c.id and not ('\\Seen' = any(fm.flags))) as unread,
      exists (select 1 from "Draft" d where d."userId" = ${input.userId}::int and d."conversationId" = c.id) as draft,
      ${input.waiting ? Prisma.sql`c."waitingSince"` : Prisma.sql`null::timestamptz`} as "waitingSince"
    from page join "Conversation" c on c.id = page.id
    join "Mailbox" mbx on mbx.id = c."mailboxId"
    left join "Contact" ct on ct.id = c."contactId"
    left join "User" u on u.id = c."assigneeId"
    order by ${input.order}`;
  return rows.map((r) => ({
    id: r.id,
    mailbox: { id: r.mailboxId, address: r.mailboxAddress, displayName: r.mailboxDisplayName },
    subject: r.subject,
    customer: r.customerEmail !== null ? { name: r.customerName ?? "", email: r.customerEmail } : null,
    snippet: r.snippet ?? "",
    status: r.status,
    assignee: r.assigneeId !== null ? { id: r.assigneeId, name: r.assigneeName ?? "" } : null,
    snoozedUntil: r.snoozedUntil,
    messageCount: r.messageCount,
    lastMessageAt: r.lastMessageAt,
    tags: r.tags,
    unread: r.unread,
    draft: r.draft,
    waitingSince: r.waitingSince,
  }));
}

/** The rows of these conversations, in this order (ids not found are left out). */
export function inboxRowsById(userId: number, ids: readonly number[]): Promise<InboxConversation[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return inboxRows({
    userId,
    page: Prisma.sql`select p.id, p.ord from unnest(${[...ids]}::int[]) with ordinality as p(id, ord)`,
    order: Prisma.sql`page.ord`,
  });
}

interface Row {
  id: number;
  subject: string;
  status: Status;
  messageCount: number;
  lastMessageAt: Date;
  snoozedUntil: Date | null;
  mailboxId: number;
  mailboxAddress: string;
  mailboxDisplayName: string;
  customerName: string | null;
  customerEmail: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  snippet: string | null;
  tags: { id: number; name: string }[];
  unread: boolean;
  draft: boolean;
  waitingSince: Date | null;
}
