// The page a one-time password link opens (/set-password#TOKEN): anyone with
// the token may see whose link it is and set that user's password once.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../limits.ts";
import { peekPasswordLink, redeemPasswordLink } from "../../users/password-links.ts";
import { publicProcedure, router } from "../trpc.ts";

const token = z.string().max(100);

export const passwordLinkRouter = router({
  /** Whose link this is and what for; null for a link that does not work (used, replaced, expired). */
  peek: publicProcedure.input(z.object({ token })).query(({ input }) => peekPasswordLink(input.token)),
  redeem: publicProcedure
    .input(z.object({ token, password: z.string().max(MAX_PASSWORD_LENGTH) }))
    .mutation(({ ctx, input }) => redeemPasswordLink({ token: input.token, password: input.password, ip: ctx.ip })),
});
