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

/**
 * Ends every web session of the user (the version, and each session row) and
 * tells their live streams; how many rows it ended. `except` names a session
 * of the user's to keep (the one changing its own password, or ending its
 * others): its row moves to the new version with the user, so only it stays.
 */
export async function endSessionsTx(tx: Tx, userId: number, options: { except?: string | null } = {}): Promise<number> {
  const { sessionVersion } = await tx.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  const keep = options.except ?? null;
  const ended = await tx.userSession.updateMany({
    where: { userId, endedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { endedAt: new Date() },
  });
  if (keep) {
    await tx.userSession.updateMany({
      where: { id: keep, userId, endedAt: null, expiresAt: { gt: new Date() } },
      data: { sessionVersion },
    });
  }
  await notifyAccessChanged(tx, [userId]);
  return ended.count;
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
 * A session with a row is current while its row is live at the user's
 * version (find-active-user.ts); an older token, while its version is.
 */
export async function signOutSession(input: {
  userId: number;
  sessionVersion: number;
  sessionId?: string | null;
  ip?: string | null;
}) {
  await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { sessionVersion: true } });
    if (!user) return;
    const current = input.sessionId
      ? (await tx.userSession.count({
          where: {
            id: input.sessionId,
            userId: input.userId,
            endedAt: null,
            expiresAt: { gt: new Date() },
            sessionVersion: user.sessionVersion,
          },
        })) > 0
      : input.sessionVersion === user.sessionVersion;
    if (!current) return;
    // Only from the version just read: two sign-outs at once end the sessions once.
    const ended = await tx.user.updateMany({
      where: { id: input.userId, sessionVersion: user.sessionVersion },
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

/** "End all other sessions" in Settings: every web session of the user but the one asking. */
export async function endOtherSessions(input: {
  userId: number;
  /** The caller's own session, which stays. */
  keepSessionId: string | null;
  ip?: string | null;
}): Promise<{ ended: number }> {
  return db().$transaction(async (tx) => {
    const ended = await endSessionsTx(tx, input.userId, { except: input.keepSessionId });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.end_other_sessions",
        subjectType: "user",
        subjectId: input.userId,
        after: { ended },
        ip: input.ip,
      },
      tx,
    );
    return { ended };
  }, ADMIN_TRANSACTION);
}
