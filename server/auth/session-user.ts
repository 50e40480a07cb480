// Who is signed in: the session cookie holds an encrypted JWT with the user
// id and the session version it began under; everything else is read from
// the database on each request, and a session whose version is no longer
// the user's has ended (server/users/end-sessions.ts).
import { getToken } from "next-auth/jwt";
import { type ActiveUser, findActiveUser } from "../users/find-active-user.ts";
import { isSecureRequest } from "./secure-request.ts";

function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie of someone else's is not our session.
    }
  }
  return cookies;
}

/** The user id, session version and session row (if any) a token carries, or null when it is not one of ours. */
export function sessionClaims(
  token: { sub?: unknown; sv?: unknown; sid?: unknown } | null,
): { id: number; version: number; sessionId: string | null } | null {
  const id = Number(token?.sub);
  // Tokens from before versioned sessions carry no version: they count as the
  // first, which the first sign-out or password change ends.
  const version = token?.sv === undefined ? 0 : Number(token.sv);
  if (!Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(version) || version < 0) return null;
  // Tokens from before session rows carry none: the version alone decides for them.
  const sessionId = typeof token?.sid === "string" && token.sid.length > 0 ? token.sid : null;
  return { id, version, sessionId };
}

export async function sessionUser(headers: Headers): Promise<ActiveUser | null> {
  return (await currentSession(headers))?.user ?? null;
}

/** The signed-in user and the session row their cookie names (null for a token from before rows). */
export async function currentSession(headers: Headers): Promise<{ user: ActiveUser; sessionId: string | null } | null> {
  if (!process.env.NEXTAUTH_SECRET) return null;
  // Only the cookie counts: getToken would also accept an Authorization header.
  // Over HTTPS only the __Secure- cookie does, as next-auth sets it.
  const req = { cookies: parseCookies(headers.get("cookie")), headers: {} };
  const token = await getToken({
    req: req as unknown as Parameters<typeof getToken>[0]["req"],
    secureCookie: isSecureRequest(headers),
  });
  const claims = sessionClaims(token);
  const user = claims ? await findActiveUser(claims.id, claims.version, claims.sessionId) : null;
  return user && claims ? { user, sessionId: claims.sessionId } : null;
}
