// The SQL of every step of the search ladder (search-planner.ts) for one page
// of matching conversation ids: the conditions on the conversation row, the
// content conditions, and the three ways of putting them together.
import { Prisma } from "../db.ts";
import { contentSql } from "./content-sql.ts";
import { conversationConditions } from "./conversation-conditions.ts";
import { itemConditions } from "./item-match-sql.ts";
import type { SearchQuery } from "./parse-query.ts";
import { searchMailboxIds } from "./search-mailboxes.ts";

/** Tokens whose estimates are asked for (the minimum over any subset still bounds the AND from above). */
const MAX_ESTIMATED_TOKENS = 16;

export interface SearchSqlInput {
  userId: number;
  query: SearchQuery;
  /** IANA name; dates in before:/after: are days in this zone. UTC when absent or unknown. */
  timeZone?: string | null;
  /** Keyset cursor: the last item of the previous page. */
  before?: { lastMessageAt: Date; id: number };
  /** Rows in the page. */
  limit: number;
  /**
   * Search these mailboxes instead of the user's own (an admin exporting a search of any mailbox,
   * server/transfer/export-selection.ts); mailbox: terms then narrow nothing.
   */
  within?: readonly number[];
}

/** The GIN path's scope: the `window` newest candidates (all when null); at most `cap` matching items (all when null). */
export interface IndexScope {
  window?: number | null;
  cap?: number | null;
}

export interface SearchSql {
  /**
   * The walk; budgeted unless `budget` is null; it stops after `limit` hits (the page's by default).
   * Rows: id, lastMessageAt, hit, last (the budget's last candidate).
   */
  walk: (budget: number | null, also?: Prisma.Sql, limit?: number) => Prisma.Sql;
  /**
   * The GIN path within `scope`. One row: ids (the page, in order), considered (candidates in the
   * window) and found (matching items, when capped). Null when the query has no text,
   * has:attachment or date to look up; the unbudgeted walk is then the only way.
   */
  index: ((scope: IndexScope) => Prisma.Sql) | null;
  /**
   * A query bounded by before:D with no text or has:attachment (dates, conversation conditions,
   * negations): the page split at D. `spanning` — the matching conversations whose latest message is
   * at or after D, found through "Conversation_itemSpan_sql" (those whose items reach back before D),
   * one row per hit, in order, at most `limit`; they all come before the rest. `older` — the condition
   * that keeps the walk to the rest (latest message before D). Null for other queries.
   */
  dated: { spanning: Prisma.Sql; older: Prisma.Sql } | null;
  /** Whether the query excludes something (`-word`, `-has:attachment`): fewer hits than its terms' matches. */
  negated: boolean;
  /** EXPLAIN of the messages' GIN lookup of each token, whose smallest row estimate orders the ladder's middle steps. */
  estimate: Prisma.Sql | null;
  limit: number;
}

/** The SQL of every step for one page of matching conversation ids, or null when the query can match nothing. */
export async function buildSearch(input: SearchSqlInput): Promise<SearchSql | null> {
  const { terms } = input.query;
  const mailboxIds = input.within ? [...input.within] : await searchMailboxIds(input.userId, terms);
  if (mailboxIds.length === 0) return null;

  // Conditions on the conversation row itself (and its tags): the walk applies them while walking.
  const own: Prisma.Sql[] = [
    Prisma.sql`c."mailboxId" = any(${mailboxIds}::int[])`,
    // Deleted conversations (server/recovery/) are found only on the recovery pages.
    Prisma.sql`c."deletedAt" is null`,
    ...(await conversationConditions({ userId: input.userId, terms, before: input.before })),
  ];
  // Conditions that look at the conversation's messages and notes: the walk probes them per conversation.
  const item = itemConditions(terms, input.timeZone);
  const { probe, candidates, negations, tsquery } = contentSql(terms, item);

  const { limit } = input;
  const ownWhere = Prisma.join(own, " and ");
  const probes = probe ? [probe, ...negations] : negations;
  const probeWhere = probes.length ? Prisma.join(probes, " and ") : Prisma.sql`true`;

  // The walk: candidates newest first (at most `budget`), numbered; each probed once (the lateral
  // subquery is kept apart by "offset 0"). Rows are the hits, plus the budget's last candidate
  // whatever it is, so the caller can tell "no more conversations" from "budget spent".
  const walk = (budget: number | null, also?: Prisma.Sql, hits = limit) => {
    const numbered = Prisma.sql`select c.id, c."lastMessageAt",
        row_number() over (order by c."lastMessageAt" desc, c.id desc) as n
      from "Conversation" c where ${ownWhere}${also ? Prisma.sql` and ${also}` : Prisma.empty}
      order by c."lastMessageAt" desc, c.id desc`;
    const candidates = budget === null ? numbered : Prisma.sql`${numbered} limit ${budget}::int`;
    const last = budget === null ? Prisma.sql`false` : Prisma.sql`c.n = ${budget}::int`;
    return Prisma.sql`select c.id, c."lastMessageAt", p.hit, ${last} as last
      from (${candidates}) c
      cross join lateral (select ${probeWhere} as hit offset 0) p
      where p.hit or ${last}
      order by c."lastMessageAt" desc, c.id desc
      limit ${hits + 1}::int`;
  };

  // Negations are probed in the page's order, only until it is full ("offset 0" keeps them above the
  // sort): before, every matching conversation was probed first (2,882 for `請求書 -お願い` at 1M, 209 kept).
  const negated = negations.length ? Prisma.join(negations, " and ") : Prisma.sql`true`;
  const index = candidates
    ? ({ window = null, cap = null }: IndexScope) => {
        const from = window
          ? Prisma.sql`w as materialized (select c.id, c."lastMessageAt" from "Conversation" c where ${ownWhere}
              order by c."lastMessageAt" desc, c.id desc limit ${window}::int),`
          : Prisma.empty;
        const conversations = window ? Prisma.sql`w c` : Prisma.sql`"Conversation" c`;
        const own = window ? Prisma.sql`true` : ownWhere;
        const capped = cap ? Prisma.sql`select * from (${candidates(window !== null)}) x limit ${cap}::int` : null;
        return Prisma.sql`with ${from} hit as materialized (${capped ?? candidates(window !== null)})
          select ${window ? Prisma.sql`(select count(*) from w)::int` : Prisma.sql`null::int`} as considered,
            ${cap ? Prisma.sql`(select count(*) from hit)::int` : Prisma.sql`null::int`} as found,
            array(select c.id from (select c.id, c."lastMessageAt" from ${conversations}
                where c.id in (select hit.id from hit) and ${own}
                order by c."lastMessageAt" desc, c.id desc offset 0) c
              where ${negated} order by c."lastMessageAt" desc, c.id desc limit ${limit}::int) as ids`;
      }
    : null;
  // The planner's row estimate for the GIN lookup of each token alone (EXPLAIN, no execution). Their
  // minimum bounds the AND from above; the planner's own estimate of the AND multiplies the tokens'
  // frequencies, far too low for tokens that come together (a family and a given name, CJK bigrams).
  const estimate = tsquery
    ? Prisma.sql`explain (format json) ${Prisma.join(
        [...new Set(tsquery.split(" & "))]
          .slice(0, MAX_ESTIMATED_TOKENS)
          .map((token) => Prisma.sql`select 1 from "Message" m where m."searchVector" @@ ${token}::tsquery`),
        " union all ",
      )}`
    : null;
  // Dates without text: a conversation whose latest message is before D usually has an item before D,
  // so the walk from D down fills the page at once; the ones at or after D that match are those whose
  // span [firstItemAt, lastMessageAt] contains D (firstItemAt is a lower bound of the items' dates, so
  // none is missed), few and found through the GiST index — not by walking every newer conversation
  // (150,000 of them for a quarter of the mail at 1M) or reading every matching message.
  const dateOnly = item.before && !tsquery && !item.hasAttachment && probe;
  const dated = dateOnly
    ? {
        spanning: Prisma.sql`select c.id from (
            select c.id, c."lastMessageAt" from "Conversation" c
            where tstzrange(least(c."firstItemAt", c."lastMessageAt"), c."lastMessageAt", '[]') @> ${item.before}::timestamptz
              and c."firstItemAt" < ${item.before}::timestamptz and c."lastMessageAt" >= ${item.before}::timestamptz
              and ${ownWhere}
            offset 0) c
          where ${probeWhere}
          order by c."lastMessageAt" desc, c.id desc limit ${limit}::int`,
        older: Prisma.sql`c."lastMessageAt" < ${item.before}::timestamptz`,
      }
    : null;
  return { walk, index, estimate, limit, dated, negated: negations.length > 0 };
}
