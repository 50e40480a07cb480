// The signed-in user's own app passwords (server/auth/app-passwords.ts), for
// mail clients that send through Yubin's submission server. A user sees,
// creates and revokes only their own; a scope mailbox they are not a member
// of, and another user's app password, answer NOT_FOUND like ones that do not
// exist. Creation and revocation are audited with the user as the actor.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import {
  type AppPasswordInfo,
  createAppPassword,
  listAppPasswords,
  revokeAppPassword,
} from "../../auth/app-passwords.ts";
import { loadEnv } from "../../env.ts";
import { MAX_APP_PASSWORD_LABEL } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { protectedProcedure, router } from "../trpc.ts";

/** Over HTTP (no transformer) dates travel as ISO strings; say so in the type. */
function wire(info: AppPasswordInfo) {
  return {
    id: info.id,
    label: info.label,
    mailboxAddress: info.mailboxAddress,
    createdAt: info.createdAt.toISOString(),
    lastUsedAt: info.lastUsedAt?.toISOString() ?? null,
    revokedAt: info.revokedAt?.toISOString() ?? null,
  };
}

export type AppPasswordRow = ReturnType<typeof wire>;

export const appPasswordsRouter = router({
  /** The caller's app passwords, revoked ones included, newest first. Never a secret. */
  list: protectedProcedure.query(async ({ ctx }) => (await listAppPasswords(ctx.user.email)).map(wire)),
  /**
   * Where mail clients send: this installation's host name and submission
   * ports as configured (null when a listener is disabled).
   */
  submission: protectedProcedure.query(() => {
    const env = loadEnv();
    return {
      host: env.YUBIN_HOSTNAME,
      starttlsPort: env.YUBIN_SUBMISSION_PORT || null,
      tlsPort: env.YUBIN_SUBMISSIONS_PORT || null,
    };
  }),
  /** A new app password: the login and the secret are returned this once and never again. */
  create: protectedProcedure
    .input(
      z.object({
        label: safeText
          .trim()
          .min(1, "an app password needs a label")
          .max(MAX_APP_PASSWORD_LABEL, `a label has at most ${MAX_APP_PASSWORD_LABEL} characters`),
        /** Only this mailbox (one the caller is a member of); null or absent: all of the caller's. */
        mailboxId: id.nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await createAppPassword({
        userEmail: ctx.user.email,
        mailboxId: input.mailboxId ?? null,
        label: input.label,
        actorId: ctx.user.id,
        ip: ctx.ip,
      });
      return { appPassword: wire(created.info), login: created.login, secret: created.secret };
    }),
  /** Revokes one of the caller's app passwords; revoking twice changes nothing. */
  revoke: protectedProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const result = await revokeAppPassword({ id: input.id, ownerId: ctx.user.id, actorId: ctx.user.id, ip: ctx.ip });
    return { revokedAt: result.revokedAt.toISOString(), alreadyRevoked: result.alreadyRevoked };
  }),
});
