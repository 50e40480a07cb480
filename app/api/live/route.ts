// GET /api/live: the signed-in user's live feed as Server-Sent Events
// (server/realtime/live-stream.ts). Resumes after Last-Event-ID or ?after=.
import { sessionUser } from "../../../server/auth/session-user.ts";
import { liveStream, resumeId } from "../../../server/realtime/live-stream.ts";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await sessionUser(request.headers);
  if (!user) {
    return new Response("Not signed in\n", {
      status: 401,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" },
    });
  }
  const stream = liveStream({
    userId: user.id,
    after: resumeId(request),
    signal: request.signal,
    sessionValid: async () => (await sessionUser(request.headers))?.id === user.id,
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "private, no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
