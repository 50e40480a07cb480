// What the admin file routes (import upload, export download) start with: the
// signed-in admin from the session cookie. Anyone else is answered exactly as
// for a path that does not exist, and an agent's attempt is audited, as the
// admin tRPC procedures do (server/api/trpc.ts).
import { recordAudit } from "../../../server/audit/record-audit.ts";
import { clientAddress } from "../../../server/auth/client-address.ts";
import { sessionUser } from "../../../server/auth/session-user.ts";
import type { ActiveUser } from "../../../server/users/find-active-user.ts";

export function notFound(): Response {
  return new Response("Not found\n", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}

export async function adminRequest(request: Request): Promise<ActiveUser | null> {
  const user = await sessionUser(request.headers);
  if (!user) return null;
  if (user.role !== "admin") {
    await recordAudit({
      actorId: user.id,
      action: "admin.refused",
      subjectType: "route",
      subjectId: new URL(request.url).pathname,
      ip: clientAddress(request.headers),
    });
    return null;
  }
  return user;
}
