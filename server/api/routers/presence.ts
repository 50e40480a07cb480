// Presence: a browser tab says which conversation it shows and whether its
// person is typing there (server/realtime/presence/). The tab names itself by the id
// of its live stream (the "ready" event of GET /api/live).
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { leavePresence } from "../../realtime/presence/clear-presence.ts";
import { reportPresence } from "../../realtime/presence/report-presence.ts";
import { PRESENCE_STATES } from "../../realtime/presence-events.ts";
import { conversationProcedure, protectedProcedure, router } from "../trpc.ts";

const streamId = z.string().uuid();

export const presenceRouter = router({
  /** This tab shows the conversation (and maybe types in it); sent again as a heartbeat. */
  report: conversationProcedure
    .input(z.object({ streamId, state: z.enum(PRESENCE_STATES) }))
    .mutation(async ({ ctx, input }) => {
      await reportPresence({
        userId: ctx.user.id,
        streamId: input.streamId,
        conversation: ctx.conversation,
        state: input.state,
      });
      return null;
    }),
  // No membership check here on purpose: leaving deletes only the caller's own row
  // and answers nothing, and a member just removed from the mailbox must still be
  // able to leave.
  /** This tab left the conversation (or every one, without conversationId). */
  leave: protectedProcedure
    .input(z.object({ streamId, conversationId: id.nullable().default(null) }))
    .mutation(async ({ ctx, input }) => {
      await leavePresence({ userId: ctx.user.id, streamId: input.streamId, conversationId: input.conversationId });
      return null;
    }),
});
