// tRPC for server components: the same procedures and checks as over HTTP,
// with the context built from this request's headers, once per request: the
// session read once for the layout and every call (current-user.ts), and the
// gate asked once per resource for all the calls of the render (request-gate.ts).
import { headers } from "next/headers";
import { cache } from "react";
import { currentRequestSession } from "../auth/current-user.ts";
import { createCaller } from "./root.ts";
import { createContext } from "./trpc.ts";

export const serverCaller = cache(async () => {
  const [requestHeaders, session] = await Promise.all([headers(), currentRequestSession()]);
  // Server components only read; as GET, the request-guard refuses mutations here.
  const context = await createContext({ method: "GET", headers: requestHeaders }, { oneRequest: true, session });
  return createCaller(context);
});
