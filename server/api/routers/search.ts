import { z } from "zod";
import { db } from "../../db.ts";
import { parseSearchQuery } from "../../search/parse-query.ts";
import { SEARCH_PAGE_SIZE, searchConversations } from "../../search/search-conversations.ts";
import { protectedProcedure, router } from "../trpc.ts";

const id = z.number().int().positive().max(2_147_483_647);

/** The last row of the previous page. Over HTTP (no transformer) the date arrives as an ISO string. */
const cursor = z.object({ lastMessageAt: z.coerce.date(), id });

export const searchRouter = router({
  /**
   * Conversations of the caller's mailboxes matching a search-box query,
   * newest first. A query the parser rejects answers BAD_REQUEST with a
   * message for the person typing it.
   */
  conversations: protectedProcedure
    .input(z.object({ q: z.string().max(1000), cursor: cursor.nullish() }))
    .query(async ({ ctx, input }) => {
      const query = parseSearchQuery(input.q);
      if (query.terms.length === 0) return { items: [], nextCursor: null };
      const user = await db().user.findUnique({ where: { id: ctx.user.id }, select: { timeZone: true } });
      const items = await searchConversations({
        userId: ctx.user.id,
        query,
        timeZone: user?.timeZone,
        before: input.cursor ?? undefined,
        limit: SEARCH_PAGE_SIZE,
      });
      const last = items.at(-1);
      const nextCursor =
        items.length === SEARCH_PAGE_SIZE && last ? { lastMessageAt: last.lastMessageAt, id: last.id } : null;
      return { items, nextCursor };
    }),
});
