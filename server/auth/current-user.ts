// The signed-in user for server components and route handlers, once per request:
// the layout, the pages and their tRPC calls (server-caller.ts) share one read.
import { headers } from "next/headers";
import { cache } from "react";
import { currentSession } from "./session-user.ts";

/** The session this request's cookie names (user and session row), or null. */
export const currentRequestSession = cache(async () => currentSession(await headers()));

export const currentUser = cache(async () => (await currentRequestSession())?.user ?? null);
