// The signed-in user's own language and time zone, where a send or a close goes next, and
// the inbox's layout (density, reading pane).
import { z } from "zod";
import {
  inboxLayoutInput,
  preferencesInput,
  setGoToNext,
  setInboxLayout,
  setPreferences,
  userPreferences,
} from "../../users/set-preferences.ts";
import { protectedProcedure, router } from "../trpc.ts";

export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => userPreferences(ctx.user.id)),
  set: protectedProcedure
    .input(preferencesInput)
    .mutation(({ ctx, input }) => setPreferences({ ...input, userId: ctx.user.id, ip: ctx.ip })),
  setGoToNext: protectedProcedure
    .input(z.object({ goToNext: z.boolean() }))
    .mutation(({ ctx, input }) => setGoToNext({ userId: ctx.user.id, goToNext: input.goToNext, ip: ctx.ip })),
  /** Density and/or reading pane; answers both as stored. */
  setInboxLayout: protectedProcedure
    .input(inboxLayoutInput)
    .mutation(({ ctx, input }) => setInboxLayout({ ...input, userId: ctx.user.id, ip: ctx.ip })),
});
