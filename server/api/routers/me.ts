import { listMemberMailboxes } from "../../mailboxes/list-member-mailboxes.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc.ts";

export const meRouter = router({
  /** Who is signed in, or null: anyone may ask. */
  session: publicProcedure.query(({ ctx }) => ctx.user),
  /** The signed-in user and the mailboxes they work in. */
  get: protectedProcedure.query(async ({ ctx }) => ({
    user: ctx.user,
    mailboxes: await listMemberMailboxes(ctx.user.id),
  })),
});
