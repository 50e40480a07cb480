// The inbox as agents work it: folders (Unassigned, Mine, All open, Pending,
// Snoozed, Closed, Spam) over the mailboxes in view (one, or all the user's:
// the gate's mailboxScope), filters (assignee, status, tag), three sorts with
// keyset paging, and the folder counts. Newest and oldest order by the latest
// message; waiting longest by how long the customer has waited
// (Conversation.waitingSince: since their earliest message not yet answered,
// i.e. the first inbound message after our latest outbound one), longest
// first, over open, awake conversations that wait at all.
//
// Speed at 200,000 conversations: the page is taken per mailbox by a LATERAL
// subquery that walks the (mailboxId, status, lastMessageAt desc) index (or
// (mailboxId, lastMessageAt desc) when no single status applies) and stops
// after one page; the pages of all mailboxes are then merged and cut. The
// cursor condition is a range on lastMessageAt (indexable) plus the id tie-break.
import { type AuthorizedMailboxId, MAILBOX_ACCESS } from "../access/gate.ts";
import { db, Prisma } from "../db.ts";
import type { Status } from "../workflow/status-labels.ts";
import { type InboxConversation, inboxRows } from "./inbox-rows.ts";

export const FOLDERS = ["unassigned", "mine", "open", "pending", "snoozed", "closed", "spam", "all"] as const;
export type Folder = (typeof FOLDERS)[number];
export const SORTS = ["newest", "oldest", "waiting"] as const;
export type Sort = (typeof SORTS)[number];

export const INBOX_PAGE_SIZE = 50;
/** Closed and Spam grow without bound; their counts stop here ("1000+") instead of counting every row. */
export const COUNT_CAP = 1000;

export interface InboxFilter {
  folder: Folder;
  /** A user id, or "none" for unassigned. */
  assignee?: number | "none";
  status?: Status;
  /** Conversations tagged with this tag's name, in any mailbox in view (tags belong to one mailbox each). */
  tagId?: number;
  sort: Sort;
  /** Only these conversations: a live list re-checks the rows an event named (which still belong here?). */
  ids?: number[];
}

export interface InboxCursor {
  lastMessageAt: Date;
  id: number;
  /** The waiting-longest sort's key (its rows are in waitingSince order), absent in the others. */
  waitingSince?: Date | null;
}

export type FolderCounts = Record<Exclude<Folder, "all">, number>;

/** A past snoozedUntil the waker has not cleared yet already counts as awake. */
function awake(now: Date) {
  return Prisma.sql`(c."snoozedUntil" is null or c."snoozedUntil" <= ${now})`;
}

/**
 * Which conversations a folder holds (alias c). The folder list and the folder count both use
 * this one predicate, so a tab's number is exactly the rows its list shows. Deleted
 * conversations (server/recovery/) are in no folder; the mailboxes in view (the gate's
 * mailboxScope) are the caller's condition.
 */
export function folderPredicate(folder: Folder, userId: number, now: Date): Prisma.Sql {
  const status = (s: Status) => Prisma.sql`c.status = ${s}::"ConversationStatus"`;
  const parts: Prisma.Sql[] = [Prisma.sql`c."deletedAt" is null`];
  switch (folder) {
    case "unassigned":
      parts.push(status("open"), awake(now), Prisma.sql`c."assigneeId" is null`);
      break;
    case "mine":
      // My work: what I must answer (open) and what waits on the customer (pending).
      parts.push(Prisma.sql`c.status in ('open', 'pending')`, awake(now), Prisma.sql`c."assigneeId" = ${userId}::int`);
      break;
    case "open":
      parts.push(status("open"), awake(now));
      break;
    case "pending":
      parts.push(status("pending"), awake(now));
      break;
    case "snoozed":
      // Only open or pending work can be snoozed (workflow/snooze.ts); a status change ends a snooze.
      parts.push(Prisma.sql`c.status in ('open', 'pending')`, Prisma.sql`c."snoozedUntil" > ${now}`);
      break;
    case "closed":
    case "spam":
      parts.push(status(folder));
      break;
    case "all":
      break;
  }
  return Prisma.sql`(${Prisma.join(parts, " and ")})`;
}

function conditions(filter: InboxFilter, userId: number, mailboxIds: number[], now: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [folderPredicate(filter.folder, userId, now)];
  const status = (s: Status) => Prisma.sql`c.status = ${s}::"ConversationStatus"`;
  if (filter.status) where.push(status(filter.status));
  if (filter.assignee === "none") where.push(Prisma.sql`c."assigneeId" is null`);
  else if (filter.assignee !== undefined) where.push(Prisma.sql`c."assigneeId" = ${filter.assignee}`);
  if (filter.tagId !== undefined) {
    // The tag's name is looked up among the mailboxes in view only: another team's tag id matches nothing.
    where.push(
      Prisma.sql`exists (select 1 from "ConversationTag" ct join "Tag" t on t.id = ct."tagId"
        where ct."conversationId" = c.id and t.name = (select tn.name from "Tag" tn
          where tn.id = ${filter.tagId} and tn."mailboxId" = any(${mailboxIds}::int[])))`,
    );
  }
  if (filter.ids) where.push(Prisma.sql`c.id = any(${filter.ids}::int[])`);
  if (filter.sort === "waiting") {
    // Waiting longest: open work whose customer waits for an answer (Conversation.waitingSince:
    // their earliest message after our latest reply, kept by the writes of messages).
    where.push(status("open"), awake(now), Prisma.sql`c."waitingSince" is not null`);
  }
  return where;
}

/** The rows' order: newest and oldest by the latest message, waiting longest by waitingSince. */
function sortKey(sort: Sort): string {
  return sort === "waiting" ? "waitingSince" : "lastMessageAt";
}

export async function listInbox(input: {
  userId: number;
  /** The mailboxes in view: the caller's, or the one they chose (the gate's mailboxScope). */
  mailboxIds: readonly AuthorizedMailboxId[];
  filter: InboxFilter;
  after?: InboxCursor;
  limit?: number;
  now?: Date;
}): Promise<{ items: InboxConversation[]; nextCursor: InboxCursor | null }> {
  const limit = Math.min(input.limit ?? INBOX_PAGE_SIZE, 200);
  const mailboxIds = [...input.mailboxIds];
  if (mailboxIds.length === 0) return { items: [], nextCursor: null };
  const now = input.now ?? new Date();
  const ascending = input.filter.sort !== "newest";
  const waiting = input.filter.sort === "waiting";
  const where = conditions(input.filter, input.userId, mailboxIds, now);
  const key = sortKey(input.filter.sort);
  const column = Prisma.raw(`c."${key}"`);
  if (input.after) {
    const at = waiting ? input.after.waitingSince : input.after.lastMessageAt;
    if (!at) throw new Error("a waiting-longest cursor carries waitingSince");
    const { id } = input.after;
    where.push(
      ascending
        ? Prisma.sql`${column} >= ${at} and (${column} > ${at} or c.id > ${id})`
        : Prisma.sql`${column} <= ${at} and (${column} < ${at} or c.id < ${id})`,
    );
  }
  const direction = ascending ? "asc" : "desc";
  const order = (alias: string) => Prisma.raw(`${alias}."${key}" ${direction}, ${alias}.id ${direction}`);
  // Per mailbox, the index walk of its first page ((mailboxId, waitingSince, id) of the waiting
  // open conversations for waiting longest); the pages are merged and cut.
  const page = Prisma.sql`
      select p.id, p."${Prisma.raw(key)}" from unnest(${mailboxIds}::int[]) as mb(id)
      cross join lateral (
        select c.id, ${column} from "Conversation" c
        where c."mailboxId" = mb.id ${where.length ? Prisma.sql`and ${Prisma.join(where, " and ")}` : Prisma.empty}
        order by ${order("c")}
        limit ${limit}
      ) p
      order by ${order("p")}
      limit ${limit}`;
  const items = await inboxRows({ userId: input.userId, page, order: order("c"), waiting });
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      items.length === limit && last
        ? { lastMessageAt: last.lastMessageAt, id: last.id, ...(waiting ? { waitingSince: last.waitingSince } : {}) }
        : null,
  };
}

/** How many conversations each folder holds, over the mailboxes in view. */
export async function folderCounts(input: {
  userId: number;
  mailboxIds: readonly AuthorizedMailboxId[];
  now?: Date;
}): Promise<FolderCounts> {
  const mailboxIds = [...input.mailboxIds];
  const zero: FolderCounts = { unassigned: 0, mine: 0, open: 0, pending: 0, snoozed: 0, closed: 0, spam: 0 };
  if (mailboxIds.length === 0) return zero;
  const now = input.now ?? new Date();
  const is = (folder: Folder) => folderPredicate(folder, input.userId, now);
  // The working folders are counted exactly (only open and pending rows are read, through the
  // status index); closed and spam up to COUNT_CAP + 1. Each count is its folder's own predicate.
  const [active] = await db().$queryRaw<Omit<FolderCounts, "closed" | "spam">[]>`
    select
      count(*) filter (where ${is("unassigned")})::int as unassigned,
      count(*) filter (where ${is("mine")})::int as mine,
      count(*) filter (where ${is("open")})::int as open,
      count(*) filter (where ${is("pending")})::int as pending,
      count(*) filter (where ${is("snoozed")})::int as snoozed
    from "Conversation" c
    where c."mailboxId" = any(${mailboxIds}::int[]) and c.status in ('open', 'pending') and c."deletedAt" is null`;
  const [done] = await db().$queryRaw<{ closed: number; spam: number }[]>`
    select
      (select count(*) from (select 1 from "Conversation" c where c."mailboxId" = any(${mailboxIds}::int[])
        and ${is("closed")} limit ${COUNT_CAP + 1}) x)::int as closed,
      (select count(*) from (select 1 from "Conversation" c where c."mailboxId" = any(${mailboxIds}::int[])
        and ${is("spam")} limit ${COUNT_CAP + 1}) x)::int as spam`;
  return { ...zero, ...active, ...done };
}

/** What the inbox filters offer over the mailboxes in view: their members, and their tags. */
export async function inboxFilterOptions(mailboxIds: readonly AuthorizedMailboxId[]) {
  const [assignees, tags] = await Promise.all([inboxAssignees(mailboxIds), inboxTags(mailboxIds)]);
  return { assignees, tags };
}

/** Who can be chosen in the assignee filter: members of the mailboxes in view. */
async function inboxAssignees(mailboxIds: readonly AuthorizedMailboxId[]) {
  if (mailboxIds.length === 0) return [];
  return db().$queryRaw<{ id: number; name: string; email: string }[]>`
    select u.id, u.name, u.email from "User" u
    where not u.disabled and exists (
      select 1 from ${Prisma.raw(MAILBOX_ACCESS.text)} a
      where a."mailboxId" = any(${[...mailboxIds]}::int[]) and a."userId" = u.id)
    order by lower(u.name), u.id`;
}

/** Tag names of the mailboxes in view, each once (the filter matches the name in every mailbox in view). */
async function inboxTags(mailboxIds: readonly AuthorizedMailboxId[]) {
  if (mailboxIds.length === 0) return [];
  return db().$queryRaw<{ id: number; name: string }[]>`
    select min(id) as id, name from "Tag" where "mailboxId" = any(${[...mailboxIds]}::int[])
    group by name order by lower(name), min(id)`;
}

/**
 * The ids of every conversation a folder (with its filters) holds over the mailboxes in view,
 * in the view's order, up to `limit` (a bulk action's "select all in this folder"), and
 * whether there are more.
 */
export async function inboxConversationIds(input: {
  userId: number;
  mailboxIds: readonly AuthorizedMailboxId[];
  filter: Omit<InboxFilter, "ids">;
  limit: number;
  now?: Date;
}): Promise<{ ids: number[]; more: boolean }> {
  const mailboxIds = [...input.mailboxIds];
  if (mailboxIds.length === 0) return { ids: [], more: false };
  const where = conditions(input.filter, input.userId, mailboxIds, input.now ?? new Date());
  const direction = Prisma.raw(input.filter.sort === "newest" ? "desc" : "asc");
  const key = Prisma.raw(`c."${sortKey(input.filter.sort)}"`);
  const rows = await db().$queryRaw<{ id: number }[]>`
    select c.id from "Conversation" c
    where c."mailboxId" = any(${mailboxIds}::int[]) and ${Prisma.join(where, " and ")}
    order by ${key} ${direction}, c.id ${direction}
    limit ${input.limit + 1}`;
  return { ids: rows.slice(0, input.limit).map((r) => r.id), more: rows.length > input.limit };
}
