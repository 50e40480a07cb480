import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../limits.ts";
import { listMemberMailboxes } from "../../mailboxes/list-member-mailboxes.ts";
import { setPassword } from "../../users/set-password.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc.ts";

export const meRouter = router({
  /** Who is signed in, or null: anyone may ask. */
  session: publicProcedure.query(({ ctx }) => ctx.user),
  /** The signed-in user and the mailboxes they work in. */
  get: protectedProcedure.query(async ({ ctx }) => ({
    user: ctx.user,
    mailboxes: await listMemberMailboxes(ctx.user.id),
  })),
  /** A new password, given the current one; every session ends, this one too. */
  changePassword: protectedProcedure
    .input(
      z.object({
        currentPassword: z.string().max(MAX_PASSWORD_LENGTH),
        newPassword: z.string().max(MAX_PASSWORD_LENGTH),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await setPassword({
        user: { id: ctx.user.id },
        password: input.newPassword,
        currentPassword: input.currentPassword,
        actorId: ctx.user.id,
        ip: ctx.ip,
      });
      return { signedOut: true };
    }),
});
