import { db } from "../db.ts";

export interface ActiveUser {
  id: number;
  email: string;
  name: string;
  role: "admin" | "agent";
}

/**
 * The user behind a session, read fresh on every request: a session token
 * outlives a change of role or a disabled account, the database does not.
 * The session must have begun under the user's current session version
 * (end-sessions.ts), or it has been ended; a session with a row of its own
 * (user-sessions.ts) must also not have been ended alone, nor expired.
 */
export async function findActiveUser(
  id: number,
  sessionVersion: number,
  sessionId: string | null = null,
): Promise<ActiveUser | null> {
  const user = await db().user.findUnique({
    where: { id },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      sessionVersion: true,
      sessions: sessionId
        ? { where: { id: sessionId, endedAt: null, expiresAt: { gt: new Date() } }, select: { id: true } }
        : false,
    },
  });
  if (!user || user.disabled || user.sessionVersion !== sessionVersion) return null;
  if (sessionId && !user.sessions?.length) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
