// Who is signed in: the session cookie holds an encrypted JWT with only the
// user id; everything else is read from the database on each request.
import { getToken } from "next-auth/jwt";
import { type ActiveUser, findActiveUser } from "../users/find-active-user.ts";

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

export async function sessionUser(headers: Headers): Promise<ActiveUser | null> {
  if (!process.env.NEXTAUTH_SECRET) return null;
  // Only the cookie counts: getToken would also accept an Authorization header.
  const req = { cookies: parseCookies(headers.get("cookie")), headers: {} };
  const token = await getToken({ req: req as unknown as Parameters<typeof getToken>[0]["req"] });
  const id = Number(token?.sub);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return findActiveUser(id);
}
