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
 * A session with a row of its own (user-sessions.ts) is live while its row
 * is not ended, not expired, and holds the user's current session version
 * (end-sessions.ts bumps the user's and carries only the session it keeps
 * along); a token from before session rows must itself carry the current
 * version.
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
        ? {
            where: { id: sessionId, endedAt: null, expiresAt: { gt: new Date() } },
            select: { sessionVersion: true },
          }
        : false,
    },
  });
  if (!user || user.disabled) return null;
  const version = sessionId ? user.sessions?.[0]?.sessionVersion : sessionVersion;
  if (version !== user.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
