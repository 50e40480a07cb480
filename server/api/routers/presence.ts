// Presence: a browser tab says which conversation it shows and whether its
// person is typing there (server/realtime/presence/). The tab names itself by the id
// of its live stream (the "ready" event of GET /api/live).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizeConversation } from "../../access/authorized-conversation.ts";
import { leavePresence } from "../../realtime/presence/clear-presence.ts";
import { reportPresence } from "../../realtime/presence/report-presence.ts";
import { PRESENCE_STATES } from "../../realtime/presence-events.ts";
import { protectedProcedure, router } from "../trpc.ts";

// Ids are PostgreSQL int4: anything larger is simply not found, never a 500.
const id = z.number().int().positive().max(2_147_483_647);
const streamId = z.string().uuid();

export const presenceRouter = router({
  /** This tab shows the conversation (and maybe types in it); sent again as a heartbeat. */
  report: protectedProcedure
    .input(z.object({ conversationId: id, streamId, state: z.enum(PRESENCE_STATES) }))
    .mutation(async ({ ctx, input }) => {
      const conversation = await authorizeConversation({ userId: ctx.user.id, conversationId: input.conversationId });
      if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
      await reportPresence({ userId: ctx.user.id, streamId: input.streamId, conversation, state: input.state });
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
