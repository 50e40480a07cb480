// The signed-in user for server components and route handlers, once per request.
import { headers } from "next/headers";
import { cache } from "react";
import { sessionUser } from "./session-user.ts";

export const currentUser = cache(async () => sessionUser(await headers()));
