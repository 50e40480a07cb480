import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../limits.ts";
import { listMemberMailboxes } from "../../mailboxes/list-member-mailboxes.ts";
import { safeText } from "../../safe-text.ts";
import { endOtherSessions } from "../../users/end-sessions.ts";
import { setPassword } from "../../users/set-password.ts";
import { endUserSession, listUserSessions } from "../../users/user-sessions.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc.ts";

/** A session row's id: what the sign-in made (user-sessions.ts), never long. */
const sessionId = safeText.min(1).max(100);

export const meRouter = router({
  /** Who is signed in, or null: anyone may ask. */
  session: publicProcedure.query(({ ctx }) => ctx.user),
  /** The signed-in user and the mailboxes they work in. */
  get: protectedProcedure.query(async ({ ctx }) => ({
    user: ctx.user,
    mailboxes: await listMemberMailboxes(ctx.user.id),
  })),
  /**
   * A new password, given the current one (the same rules as every password);
   * every other session ends, this one stays signed in. Audited.
   */
  changePassword: protectedProcedure
    .input(
      z.object({
        currentPassword: z.string().max(MAX_PASSWORD_LENGTH),
        newPassword: z.string().max(MAX_PASSWORD_LENGTH),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { endedSessions } = await setPassword({
        user: { id: ctx.user.id },
        password: input.newPassword,
        currentPassword: input.currentPassword,
        actorId: ctx.user.id,
        ip: ctx.ip,
        keepSessionId: ctx.sessionId,
      });
      // A session from before session rows cannot be kept: it ended with the others.
      return { endedSessions, signedOut: ctx.sessionId === null };
    }),
  /** The caller's own live web sessions, newest first; `current` is the one asking. */
  sessions: protectedProcedure.query(async ({ ctx }) =>
    (await listUserSessions(ctx.user.id)).map((s) => ({ ...s, current: s.id === ctx.sessionId })),
  ),
  /** Ends one of the caller's own sessions (this one too: that is signing out here). */
  endSession: protectedProcedure.input(z.object({ sessionId })).mutation(async ({ ctx, input }) => {
    await endUserSession({ userId: ctx.user.id, sessionId: input.sessionId, actorId: ctx.user.id, ip: ctx.ip });
    return { signedOut: input.sessionId === ctx.sessionId };
  }),
  /** Ends every session of the caller's but this one. */
  endOtherSessions: protectedProcedure.mutation(({ ctx }) =>
    endOtherSessions({ userId: ctx.user.id, keepSessionId: ctx.sessionId, ip: ctx.ip }),
  ),
});
