import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { mutationRefusal } from "../../../../server/api/request-guard.ts";
import { appRouter } from "../../../../server/api/root.ts";
import { createContext } from "../../../../server/api/trpc.ts";
import { sessionUser } from "../../../../server/auth/session-user.ts";
import { logError } from "../../../../server/cluster/error-log.ts";
import { MAX_API_BODY_BYTES, MAX_API_UPLOAD_BODY_BYTES, MAX_TRPC_BATCH_CALLS } from "../../../../server/limits.ts";
import { readLimitedBody } from "../../limited-body.ts";

/** Procedures whose input carries attachments (base64), allowed the larger body when signed in. */
const UPLOAD_PROCEDURES = new Set(["conversations.send"]);

/** The procedures a request names: "/api/trpc/a,b" is a batch of a and b. */
function procedurePaths(request: Request): string[] {
  const path = new URL(request.url).pathname.replace(/^\/api\/trpc\/?/, "");
  try {
    return decodeURIComponent(path).split(",");
  } catch {
    return [path];
  }
}

async function handler(req: Request) {
  // Each call of a batch costs a procedure run; a batch is refused before any of them runs.
  const procedures = procedurePaths(req);
  if (procedures.length > MAX_TRPC_BATCH_CALLS) {
    return Response.json(
      { error: { message: `at most ${MAX_TRPC_BATCH_CALLS} calls per batch`, code: "BAD_REQUEST" } },
      { status: 400 },
    );
  }
  // Refused before tRPC reads the body: tRPC would accept a cross-site form post (see request-guard.ts).
  const refusal = req.method === "POST" ? mutationRefusal(req) : null;
  if (refusal) return Response.json({ error: { message: refusal, code: "FORBIDDEN" } }, { status: 403 });
  let request = req;
  if (req.method === "POST") {
    // Only a signed-in member sending a reply with attachments may send a large body.
    const upload = procedures.some((p) => UPLOAD_PROCEDURES.has(p)) && (await sessionUser(req.headers)) !== null;
    const limited = await readLimitedBody(req, upload ? MAX_API_UPLOAD_BODY_BYTES : MAX_API_BODY_BYTES);
    if (!limited.ok) return limited.response;
    request = limited.request;
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // One context per request: the calls of a batch share the gate's answers (request-gate.ts).
    createContext: () => createContext(request, { oneRequest: true }),
    onError({ error, path }) {
      if (error.code !== "INTERNAL_SERVER_ERROR") return;
      const cause = error.cause ?? error;
      console.error(`trpc ${path ?? "?"}:`, cause);
      // Kept for the admin's server status page (server/cluster/error-log.ts).
      logError(`trpc: ${path ?? "?"}: ${cause.stack ?? cause.message}`);
    },
  });
}

export { handler as GET, handler as POST };
