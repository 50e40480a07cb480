// The tRPC procedures called in-process with the context the HTTP route
// builds (server/api/trpc.ts), from the headers a browser's request carries:
// a POST is JSON from this site's own origin, and the session is a next-auth
// cookie signed with the test's secret.
import { TRPCError } from "@trpc/server";
import { encode } from "next-auth/jwt";
import { expect } from "vitest";
import { createCaller } from "../../server/api/root.ts";
import { createContext } from "../../server/api/trpc.ts";

/**
 * A caller factory: `callerFor(userId)` signed in as that user, `callerFor(null)` signed out; extra headers win.
 * `oneRequest`: each caller is one request, as the HTTP route's context is (the gate's answers kept
 * for its calls: server/access/request-gate.ts); a test that changes access between calls leaves it off.
 */
export function sessionCaller(secret: string, method: "GET" | "POST" = "POST", options: { oneRequest?: boolean } = {}) {
  return async (userId: number | null, extra: Record<string, string> = {}) => {
    const headers = new Headers(
      method === "POST"
        ? { host: "yubin.test", origin: "http://yubin.test", "content-type": "application/json", ...extra }
        : { host: "yubin.test", ...extra },
    );
    if (userId !== null) {
      headers.set("cookie", `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret })}`);
    }
    return createCaller(await createContext({ method, headers }, { oneRequest: options.oneRequest === true }));
  };
}

/** The TRPCError a call rejects with; fails the test if it resolves or throws anything else. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}
