// The signed-in user's own language and time zone.
import { preferencesInput, setPreferences, userPreferences } from "../../users/set-preferences.ts";
import { protectedProcedure, router } from "../trpc.ts";

export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => userPreferences(ctx.user.id)),
  set: protectedProcedure
    .input(preferencesInput)
    .mutation(({ ctx, input }) => setPreferences({ ...input, userId: ctx.user.id, ip: ctx.ip })),
});
