// The tRPC context and the procedure tiers. Every procedure starts from one
// of these, so the authority a procedure needs is named where it is defined:
//   publicProcedure     anyone
//   protectedProcedure  a signed-in, enabled user (re-read from the database)
//   adminProcedure      a signed-in admin
//   mailboxProcedure    a member of input.mailboxId (directly or via a team)
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { authorizeMailbox } from "../access/authorized-mailbox.ts";
import { clientAddress } from "../auth/client-address.ts";
import { sessionUser } from "../auth/session-user.ts";
import { InputError } from "../errors.ts";
import type { ActiveUser } from "../users/find-active-user.ts";
import { mutationRefusal, type RequestFacts } from "./request-guard.ts";

export interface Context {
  user: ActiveUser | null;
  ip: string | null;
  /** Why this request may not run a mutation (see request-guard.ts), or null. */
  mutationRefusal: string | null;
}

export async function createContext(request: RequestFacts): Promise<Context> {
  return {
    user: await sessionUser(request.headers),
    ip: clientAddress(request.headers),
    mutationRefusal: mutationRefusal(request),
  };
}

const INPUT_ERROR_CODES = { invalid: "BAD_REQUEST", conflict: "CONFLICT", not_found: "NOT_FOUND" } as const;

function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

const t = initTRPC.context<Context>().create({
  // Stack traces never leave the server, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    if (error.code === "INTERNAL_SERVER_ERROR") {
      return { ...shape, message: "Something went wrong on the server." };
    }
    return shape;
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const baseGuards = t.middleware(async ({ ctx, type, next }) => {
  if (type === "mutation" && ctx.mutationRefusal) {
    throw new TRPCError({ code: "FORBIDDEN", message: ctx.mutationRefusal });
  }
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  // InputError messages are written for the person who caused them; anything else stays internal.
  if (cause instanceof InputError) {
    throw new TRPCError({ code: INPUT_ERROR_CODES[cause.kind], message: cause.message, cause });
  }
  // Zod's own message is a JSON dump; forms show this line instead.
  if (cause instanceof ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: zodMessage(cause), cause });
  return result;
});

export const publicProcedure = t.procedure.use(baseGuards);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only admins may do this." });
  return next({ ctx: { user: ctx.user } });
});

export const mailboxProcedure = protectedProcedure
  .input(z.object({ mailboxId: z.number().int().positive() }))
  .use(async ({ ctx, input, next }) => {
    const mailboxId = await authorizeMailbox({ userId: ctx.user.id, mailboxId: input.mailboxId });
    // The same answer as for a mailbox that does not exist.
    if (!mailboxId) throw new TRPCError({ code: "NOT_FOUND", message: "No such mailbox." });
    return next({ ctx: { mailboxId } });
  });
