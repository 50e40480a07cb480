// tRPC for server components: the same procedures and checks as over HTTP,
// with the context built from this request's headers, once per request.
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "./root.ts";
import { createContext } from "./trpc.ts";

export const serverCaller = cache(async () => {
  // Server components only read; as GET, the request-guard refuses mutations here.
  const context = await createContext({ method: "GET", headers: await headers() });
  return createCaller(context);
});
