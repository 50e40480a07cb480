import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { safeText } from "../../safe-text.ts";
import { searchPage } from "../../search/search-page.ts";
import { protectedProcedure, router } from "../trpc.ts";

/** The last row of the previous page. Over HTTP (no transformer) the date arrives as an ISO string. */
const cursor = z.object({ lastMessageAt: z.coerce.date(), id });

export const searchRouter = router({
  /**
   * Conversations of the caller's mailboxes matching a search-box query,
   * newest first. A query the parser rejects answers BAD_REQUEST with a
   * message for the person typing it.
   */
  conversations: protectedProcedure
    .input(z.object({ q: safeText.max(1000), cursor: cursor.nullish() }))
    .query(({ ctx, input }) => searchPage({ userId: ctx.user.id, q: input.q, cursor: input.cursor })),
});
