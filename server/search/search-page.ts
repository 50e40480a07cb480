// One page of the search box's results for a user: the query parsed (a query
// the parser rejects throws an InputError for the person typing it), dates
// in it read in the user's own time zone, and the cursor of the next page.
import { db } from "../db.ts";
import { parseSearchQuery } from "./parse-query.ts";
import { SEARCH_PAGE_SIZE, type SearchHit, searchConversations } from "./search-conversations.ts";

export interface SearchCursor {
  lastMessageAt: Date;
  id: number;
}

export async function searchPage(input: {
  userId: number;
  q: string;
  cursor?: SearchCursor | null;
}): Promise<{ items: SearchHit[]; nextCursor: SearchCursor | null }> {
  const query = parseSearchQuery(input.q);
  if (query.terms.length === 0) return { items: [], nextCursor: null };
  const user = await db().user.findUnique({ where: { id: input.userId }, select: { timeZone: true } });
  const items = await searchConversations({
    userId: input.userId,
    query,
    timeZone: user?.timeZone,
    before: input.cursor ?? undefined,
    limit: SEARCH_PAGE_SIZE,
  });
  const last = items.at(-1);
  const nextCursor =
    items.length === SEARCH_PAGE_SIZE && last ? { lastMessageAt: last.lastMessageAt, id: last.id } : null;
  return { items, nextCursor };
}
