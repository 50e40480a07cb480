// What every message route starts with: the signed-in user (from the session
// cookie only) and a message id the authority gate authorised for them.
// Anything wrong answers the same 404 as a message that does not exist, so a
// URL reveals nothing about other mailboxes.
import { MAX_DATABASE_ID } from "../../../server/access/database-id.ts";
import { type AuthorizedMessage, authorizeMessage } from "../../../server/access/gate.ts";
import { sessionUser } from "../../../server/auth/session-user.ts";

/** A non-negative integer from a path segment, or null ("007", "1e3", "-1" and overflow are not ids). */
export function pathInteger(segment: string): number | null {
  if (!/^(?:0|[1-9]\d{0,9})$/.test(segment)) return null;
  const value = Number(segment);
  return value <= MAX_DATABASE_ID ? value : null;
}

export async function messageRequest(
  request: Request,
  params: Promise<{ id: string }>,
): Promise<AuthorizedMessage | null> {
  const messageId = pathInteger((await params).id);
  if (!messageId) return null;
  const user = await sessionUser(request.headers);
  return user ? authorizeMessage({ userId: user.id, messageId }) : null;
}

/**
 * Headers every message response carries: never cached, never sniffed, no
 * referrer leaks. Note: Next.js keeps a header that next.config.js sets for
 * every path over the route's own (send-response.js), so the site-wide
 * Referrer-Policy: same-origin wins until next.config.js leaves these routes
 * out; the HTML document repeats no-referrer in a <meta> that always applies.
 */
export const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "private, no-store",
  "Referrer-Policy": "no-referrer",
} as const;

export function notFound(): Response {
  return new Response("Not found\n", {
    status: 404,
    headers: { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
  });
}
