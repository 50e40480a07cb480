// Administration of people (admin.users): add or invite, edit name and role,
// disable and enable, remove (with an explicit choice for the personal
// mailbox), reset a password by link or directly, see and end sessions.
// Each procedure is admin-only and calls one domain function in
// server/users/ with the admin as actor; those validate, keep the last admin,
// and write the audit event in the transaction of the change.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { loginAttackSummary } from "../../auth/login-attacks.ts";
import { MAX_PASSWORD_LENGTH, MAX_USER_NAME_CHARS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { createUser } from "../../users/create-user.ts";
import { editUser } from "../../users/edit-user.ts";
import { endSessions } from "../../users/end-sessions.ts";
import { listUsers } from "../../users/list-users.ts";
import { inviteUser, issueResetLink, passwordLinkPath } from "../../users/password-links.ts";
import { removeUser } from "../../users/remove-user.ts";
import { setUserDisabled } from "../../users/set-disabled.ts";
import { setPassword } from "../../users/set-password.ts";
import { endUserSession, listUserSessions } from "../../users/user-sessions.ts";
import { adminProcedure, router } from "../trpc.ts";

const email = safeText.trim().min(1, "email is required").max(320);
const name = safeText.max(MAX_USER_NAME_CHARS, `name must be at most ${MAX_USER_NAME_CHARS} characters`);
const role = z.enum(["admin", "agent"]);

export const adminUsersRouter = router({
  list: adminProcedure.query(() => listUsers()),
  create: adminProcedure
    .input(
      z.object({
        email,
        name: name.optional(),
        password: z.string().min(1, "password is required"),
        admin: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, mailbox } = await createUser({
        email: input.email,
        name: input.name,
        password: input.password,
        role: input.admin ? "admin" : "agent",
        actorId: ctx.user.id,
      });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        personalMailbox: mailbox?.address ?? null,
      };
    }),
  /** Creates the user without a password; the one-time link lets them choose one. */
  invite: adminProcedure
    .input(z.object({ email, name: name.optional(), admin: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const invited = await inviteUser({
        email: input.email,
        name: input.name,
        role: input.admin ? "admin" : "agent",
        actorId: ctx.user.id,
        ip: ctx.ip,
      });
      return { ...invited.user, path: passwordLinkPath(invited.token), expiresAt: invited.expiresAt };
    }),
  edit: adminProcedure
    .input(z.object({ userId: id, name: name.optional(), role: role.optional() }))
    .mutation(({ ctx, input }) =>
      editUser({ user: { id: input.userId }, name: input.name, role: input.role, actorId: ctx.user.id, ip: ctx.ip }),
    ),
  /** Disables (ending every session and protocol login at once) or enables a user. */
  setDisabled: adminProcedure
    .input(z.object({ userId: id, disabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setUserDisabled({ user: { id: input.userId }, disabled: input.disabled, actorId: ctx.user.id, ip: ctx.ip }),
    ),
  /** Removes a user; their personal mailbox is kept, or handed to another user, as chosen. */
  remove: adminProcedure
    .input(
      z.object({
        userId: id,
        mailbox: z.enum(["keep", "handTo"]).optional(),
        handToUserId: id.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      removeUser({
        user: { id: input.userId },
        mailbox:
          input.mailbox === "keep"
            ? { keep: true }
            : input.mailbox === "handTo"
              ? { handTo: { id: input.handToUserId ?? 0 } }
              : undefined,
        actorId: ctx.user.id,
        ip: ctx.ip,
      }),
    ),
  /** A one-time link to show the admin (link), or a new password set now (password). */
  resetPassword: adminProcedure
    .input(
      z.discriminatedUnion("mode", [
        z.object({ userId: id, mode: z.literal("link") }),
        z.object({ userId: id, mode: z.literal("password"), password: z.string().max(MAX_PASSWORD_LENGTH) }),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.mode === "password") {
        await setPassword({ user: { id: input.userId }, password: input.password, actorId: ctx.user.id, ip: ctx.ip });
        return { path: null, expiresAt: null };
      }
      const link = await issueResetLink({ user: { id: input.userId }, actorId: ctx.user.id, ip: ctx.ip });
      return { path: passwordLinkPath(link.token), expiresAt: link.expiresAt };
    }),
  /** The user's live web sessions, newest first. */
  sessions: adminProcedure.input(z.object({ userId: id })).query(({ input }) => listUserSessions(input.userId)),
  endSession: adminProcedure
    .input(z.object({ userId: id, sessionId: safeText.min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      endUserSession({ userId: input.userId, sessionId: input.sessionId, actorId: ctx.user.id, ip: ctx.ip }),
    ),
  /** Signs a user out everywhere. */
  endSessions: adminProcedure
    .input(z.object({ userId: id }))
    .mutation(({ ctx, input }) => endSessions({ user: { id: input.userId }, actorId: ctx.user.id, ip: ctx.ip })),
  /** Logins and addresses under a password-guessing attack now. */
  loginAttacks: adminProcedure.query(() => loginAttackSummary()),
});
