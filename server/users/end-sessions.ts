// Ending a user's web sessions. A session is an encrypted JWT cookie that
// carries the user's sessionVersion from sign-in (server/auth/next-auth.ts);
// session-user.ts compares it with the database on every request, so
// bumping the version ends every session of that user at once, in every web
// process. Sign-out, a new password and disabling the user bump it too, in
// the transaction of their own change.

import { recordAudit } from "../audit/record-audit.ts";
import type { Prisma } from "../db.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { notifyAccessChanged } from "../realtime/access-events.ts";
import { ADMIN_TRANSACTION } from "./find-user.ts";

type Tx = Prisma.TransactionClient;

/** Bumps the version inside the caller's transaction. */
export async function bumpSessionVersionTx(tx: Tx, userId: number): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } }, select: { id: true } });
}

/** Ends every web session of the user (the version, and each session row) and tells their live streams. */
export async function endSessionsTx(tx: Tx, userId: number): Promise<void> {
  await bumpSessionVersionTx(tx, userId);
  await tx.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date() } });
  await notifyAccessChanged(tx, [userId]);
}

/** "End all sessions": the user is signed out everywhere. */
export async function endSessions(input: {
  /** The user, by id (the web) or email (the CLI). */
  user: { id: number } | { email: string };
  actorId: number | null;
  ip?: string | null;
}): Promise<{ email: string }> {
  const where = "id" in input.user ? { id: input.user.id } : { email: input.user.email.trim().toLowerCase() };
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where, select: { id: true, email: true } });
    if (!user) throw new InputError("email" in where ? `no user ${where.email}` : "No such user.", "not_found");
    await endSessionsTx(tx, user.id);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.end_sessions",
        subjectType: "user",
        subjectId: user.id,
        after: { email: user.email },
        ip: input.ip,
      },
      tx,
    );
    return { email: user.email };
  }, ADMIN_TRANSACTION);
}

/**
 * Sign-out: ends the user's sessions, but only for a session that is still
 * current, so that a replayed old cookie cannot keep signing its owner out.
 */
export async function signOutSession(input: { userId: number; sessionVersion: number; ip?: string | null }) {
  await db().$transaction(async (tx) => {
    const ended = await tx.user.updateMany({
      where: { id: input.userId, sessionVersion: input.sessionVersion },
      data: { sessionVersion: { increment: 1 } },
    });
    if (ended.count === 0) return;
    await tx.userSession.updateMany({ where: { userId: input.userId, endedAt: null }, data: { endedAt: new Date() } });
    await recordAudit(
      { actorId: input.userId, action: "user.sign_out", subjectType: "user", subjectId: input.userId, ip: input.ip },
      tx,
    );
  }, ADMIN_TRANSACTION);
}
