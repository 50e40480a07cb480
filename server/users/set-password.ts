// A new password for a user: by the user (who must give the current one, in
// Settings) or by an admin (`yubin user reset-password`). Every web session
// of the user ends with the old password (end-sessions.ts) but the one the
// user changed it from, if given; app passwords stay, each revocable on its own.
import { recordAudit } from "../audit/record-audit.ts";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/passwords.ts";
import { SIGN_IN_MESSAGES } from "../auth/sign-in-errors.ts";
import { throttledLogin } from "../auth/throttle.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { endSessionsTx } from "./end-sessions.ts";
import { ADMIN_TRANSACTION } from "./find-user.ts";

export const WRONG_CURRENT_PASSWORD = "The current password is not correct.";

export async function setPassword(input: {
  /** The user, by id (the web) or email (the CLI). */
  user: { id: number } | { email: string };
  password: string;
  /** Required when users change their own password. */
  currentPassword?: string;
  actorId: number | null;
  ip?: string | null;
  /** The session the user changes it from: it stays signed in, every other one ends. */
  keepSessionId?: string | null;
}): Promise<{ endedSessions: number }> {
  const problem = passwordProblem(input.password);
  if (problem) throw new InputError(problem);
  const where = "id" in input.user ? { id: input.user.id } : { email: input.user.email.trim().toLowerCase() };
  const user = await db().user.findUnique({ where, select: { id: true, email: true, passwordHash: true } });
  if (!user) throw new InputError("email" in input.user ? `no user ${where.email}` : "No such user.", "not_found");
  if (input.currentPassword !== undefined) {
    // Another door to guess a password through (from a stolen session): the same limits as signing in.
    const current = input.currentPassword;
    const check = await throttledLogin({ login: user.email, remoteAddress: input.ip, door: "web" }, async () =>
      (await verifyPassword(user.passwordHash, current)) ? true : null,
    );
    if (!check.ok)
      throw new InputError(check.reason === "throttled" ? SIGN_IN_MESSAGES.throttled : WRONG_CURRENT_PASSWORD);
  }
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash }, select: { id: true } });
    const endedSessions = await endSessionsTx(tx, user.id, { except: input.keepSessionId });
    await recordAudit(
      {
        actorId: input.actorId,
        action: input.currentPassword !== undefined ? "user.change_password" : "user.reset_password",
        subjectType: "user",
        subjectId: user.id,
        after: { email: user.email, endedSessions },
        ip: input.ip,
      },
      tx,
    );
    return { endedSessions };
  }, ADMIN_TRANSACTION);
}
