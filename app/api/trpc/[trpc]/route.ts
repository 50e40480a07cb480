import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { mutationRefusal } from "../../../../server/api/request-guard.ts";
import { appRouter } from "../../../../server/api/root.ts";
import { createContext } from "../../../../server/api/trpc.ts";

function handler(req: Request) {
  // Refused before tRPC reads the body: tRPC would accept a cross-site form post (see request-guard.ts).
  const refusal = req.method === "POST" ? mutationRefusal(req) : null;
  if (refusal) return Response.json({ error: { message: refusal, code: "FORBIDDEN" } }, { status: 403 });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(req),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
