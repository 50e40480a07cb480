// Web sessions as rows, so an admin can see them and end one. The session
// cookie (an encrypted JWT, server/auth/next-auth.ts) names its row; the row
// records when and from where the user signed in. A session is live while
// its row is not ended, not expired, and began under the user's current
// sessionVersion — ending all sessions bumps the version (end-sessions.ts),
// ending one stamps its row. session-user.ts checks this on every request.

import { randomBytes } from "node:crypto";
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_LISTED_SESSIONS } from "../limits.ts";
import { notifyAccessChanged } from "../realtime/access-events.ts";
import { ADMIN_TRANSACTION } from "./find-user.ts";

const MAX_USER_AGENT_CHARS = 300;

/** Records a successful web sign-in; returns the new session's id for the cookie. */
export async function recordSignIn(input: {
  userId: number;
  sessionVersion: number;
  ip?: string | null;
  userAgent?: string | null;
  maxAgeSeconds: number;
  now?: Date;
}): Promise<string> {
  const now = input.now ?? new Date();
  const id = randomBytes(18).toString("base64url");
  await db().$transaction([
    db().userSession.create({
      data: {
        id,
        userId: input.userId,
        sessionVersion: input.sessionVersion,
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, MAX_USER_AGENT_CHARS) ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.maxAgeSeconds * 1000),
      },
    }),
    db().user.update({ where: { id: input.userId }, data: { lastSignInAt: now }, select: { id: true } }),
  ]);
  return id;
}

export interface SessionRow {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** The user's live sessions, newest first. */
export async function listUserSessions(userId: number, now = new Date()): Promise<SessionRow[]> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { sessionVersion: true, disabled: true } });
  if (!user) throw new InputError("No such user.", "not_found");
  if (user.disabled) return [];
  return db().userSession.findMany({
    where: { userId, endedAt: null, expiresAt: { gt: now }, sessionVersion: user.sessionVersion },
    orderBy: { createdAt: "desc" },
    take: MAX_LISTED_SESSIONS,
    select: { id: true, ip: true, userAgent: true, createdAt: true, expiresAt: true },
  });
}

/** Ends one session of the user (a session of someone else's answers like a missing one). */
export async function endUserSession(input: {
  userId: number;
  sessionId: string;
  actorId: number | null;
  ip?: string | null;
}): Promise<void> {
  await db().$transaction(async (tx) => {
    const ended = await tx.userSession.updateMany({
      where: { id: input.sessionId, userId: input.userId, endedAt: null },
      data: { endedAt: new Date() },
    });
    if (ended.count === 0) throw new InputError("No such session.", "not_found");
    await notifyAccessChanged(tx, [input.userId]);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.end_session",
        subjectType: "user",
        subjectId: input.userId,
        after: { session: input.sessionId.slice(0, 6) },
        ip: input.ip,
      },
      tx,
    );
  }, ADMIN_TRANSACTION);
}
