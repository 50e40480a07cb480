// The tRPC context and the procedure tiers. Every procedure starts from one
// of these, so the authority a procedure needs is named where it is defined:
//   publicProcedure        anyone
//   protectedProcedure     a signed-in, enabled user (re-read from the database)
//   adminProcedure         a signed-in admin (anyone else: NOT_FOUND, audited)
//   mailboxProcedure       a member of input.mailboxId           → ctx.mailboxId
//   mailboxScopeProcedure  the caller's mailboxes, or the one input.mailboxId
//                          names (which must be theirs)          → ctx.mailboxIds
//   conversationProcedure  a member of input.conversationId's mailbox → ctx.conversation
//   messageProcedure       a member of input.messageId's mailbox → ctx.message
// The membership tiers get their branded ids from the authority gate
// (server/access/gate.ts; asked once per resource for the calls of one
// request, request-gate.ts) before the handler runs, and answer NOT_FOUND alike
// for an id that does not exist and one of another team's mailbox. Each tier
// names itself in the procedure's meta, which tests/api/authority.test.ts
// reads to check every procedure that takes such an id.
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { id, UNKNOWN_ID, UNKNOWN_ID_ANSWER } from "../access/database-id.ts";
import { RequestGate } from "../access/request-gate.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { clientAddress } from "../auth/client-address.ts";
import { currentSession } from "../auth/session-user.ts";
import { InputError } from "../errors.ts";
import type { ActiveUser } from "../users/find-active-user.ts";
import { mutationRefusal, type RequestFacts } from "./request-guard.ts";

export interface Context {
  user: ActiveUser | null;
  /** The caller's own web session (its row), for "this browser" in Settings; null for older tokens. */
  sessionId: string | null;
  ip: string | null;
  /** Why this request may not run a mutation (see request-guard.ts), or null. */
  mutationRefusal: string | null;
  /** How the membership tiers ask the gate: once per resource for the calls of one request. */
  gate: RequestGate;
}

export interface ContextOptions {
  /**
   * The context serves exactly one request (the tRPC route, one server render): the gate's
   * answers are kept for its calls (request-gate.ts). Left off, a caller that lives longer
   * (a script, a test that keeps one caller across changes) asks the gate every time.
   */
  oneRequest?: boolean;
  /** The session this request's cookie names, when it was read already (server components). */
  session?: Awaited<ReturnType<typeof currentSession>>;
}

export type Tier = "public" | "protected" | "admin" | "mailbox" | "mailboxScope" | "conversation" | "message";

export interface Meta {
  tier: Tier;
}

export async function createContext(request: RequestFacts, options: ContextOptions = {}): Promise<Context> {
  const session = options.session !== undefined ? options.session : await currentSession(request.headers);
  return {
    user: session?.user ?? null,
    sessionId: session?.sessionId ?? null,
    ip: clientAddress(request.headers),
    mutationRefusal: mutationRefusal(request),
    gate: new RequestGate({ keep: options.oneRequest === true }),
  };
}

const INPUT_ERROR_CODES = { invalid: "BAD_REQUEST", conflict: "CONFLICT", not_found: "NOT_FOUND" } as const;

function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** An input whose only fault is an id beyond int4 (id-input.ts): it names nothing that exists. */
function onlyUnknownIds(error: ZodError): boolean {
  const unknown = new Set(error.issues.filter((i) => i.message === UNKNOWN_ID).map((i) => i.path.join(".")));
  return unknown.size > 0 && error.issues.every((i) => unknown.has(i.path.join(".")));
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
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
  // What the request's calls were told may have changed: whatever asks next asks the gate again.
  if (type === "mutation") ctx.gate.forget();
  if (result.ok) return result;
  const cause = result.error.cause;
  // InputError messages are written for the person who caused them; anything else stays internal.
  if (cause instanceof InputError) {
    throw new TRPCError({ code: INPUT_ERROR_CODES[cause.kind], message: cause.message, cause });
  }
  if (cause instanceof ZodError) {
    if (onlyUnknownIds(cause)) throw new TRPCError({ code: "NOT_FOUND", message: UNKNOWN_ID_ANSWER, cause });
    // Zod's own message is a JSON dump; forms show this line instead.
    throw new TRPCError({ code: "BAD_REQUEST", message: zodMessage(cause), cause });
  }
  return result;
});

export const publicProcedure = t.procedure.meta({ tier: "public" }).use(baseGuards);

export const protectedProcedure = publicProcedure.meta({ tier: "protected" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

/**
 * An agent asking for an admin procedure is told, word for word, what tRPC
 * answers for a path that does not exist (404 NOT_FOUND), so the admin API
 * is not even visible; the attempt is audited.
 */
export const adminProcedure = protectedProcedure.meta({ tier: "admin" }).use(async ({ ctx, path, next }) => {
  if (ctx.user.role !== "admin") {
    await recordAudit({
      actorId: ctx.user.id,
      action: "admin.refused",
      subjectType: "procedure",
      subjectId: path,
      ip: ctx.ip,
    });
    throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
  }
  return next({ ctx: { user: ctx.user } });
});

/** The request's gate for a query; for a mutation, the gate itself, asked afresh (request-gate.ts). */
function gateFor(ctx: { gate: RequestGate }, type: "query" | "mutation" | "subscription"): RequestGate {
  return type === "query" ? ctx.gate : ctx.gate.afresh();
}

export const mailboxProcedure = protectedProcedure
  .meta({ tier: "mailbox" })
  .input(z.object({ mailboxId: id }))
  .use(async ({ ctx, input, type, next }) => {
    const mailboxId = await gateFor(ctx, type).mailbox(ctx.user.id, input.mailboxId);
    if (!mailboxId) throw new TRPCError({ code: "NOT_FOUND", message: "No such mailbox." });
    return next({ ctx: { mailboxId } });
  });

/** Views over all the caller's mailboxes that one optional mailboxId narrows (the inbox, its counts). */
export const mailboxScopeProcedure = protectedProcedure
  .meta({ tier: "mailboxScope" })
  .input(z.object({ mailboxId: id.optional() }))
  .use(async ({ ctx, input, type, next }) => {
    const mailboxIds = await gateFor(ctx, type).scope(ctx.user.id, input.mailboxId);
    if (!mailboxIds) throw new TRPCError({ code: "NOT_FOUND", message: "No such mailbox." });
    return next({ ctx: { mailboxIds } });
  });

export const conversationProcedure = protectedProcedure
  .meta({ tier: "conversation" })
  .input(z.object({ conversationId: id }))
  .use(async ({ ctx, input, type, next }) => {
    const conversation = await gateFor(ctx, type).conversation(ctx.user.id, input.conversationId);
    if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
    return next({ ctx: { conversation } });
  });

export const messageProcedure = protectedProcedure
  .meta({ tier: "message" })
  .input(z.object({ messageId: id }))
  .use(async ({ ctx, input, type, next }) => {
    const message = await gateFor(ctx, type).message(ctx.user.id, input.messageId);
    if (!message) throw new TRPCError({ code: "NOT_FOUND", message: "No such message." });
    return next({ ctx: { message } });
  });
