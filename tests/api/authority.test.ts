// Least privilege on every tRPC procedure, found by walking appRouter rather
// than listed by hand, so a procedure added later is checked without anyone
// remembering to: each one that takes a conversationId, messageId or
// mailboxId answers another team's id exactly as it answers an id that does
// not exist (NOT_FOUND), and an id beyond PostgreSQL's int4 (3e9) is
// NOT_FOUND too, never a 500 — whatever the rest of the input. Admin-only
// procedures act on any mailbox or user by design: every one of them answers
// an agent exactly as tRPC answers a path that does not exist (NOT_FOUND),
// changes nothing and writes an audit entry of the attempt; they still answer
// an out-of-range id with NOT_FOUND.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "../../server/api/root.ts";
import type { Meta } from "../../server/api/trpc.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller } from "../support/trpc-caller.ts";

const SECRET = "authority-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
const requestFor = sessionCaller(SECRET, "POST", { oneRequest: true });
const OUT_OF_RANGE = 3_000_000_000;
/** The largest int4: a valid id that names nothing here. */
const MISSING = 2_147_483_647;

const GATED = ["conversationId", "messageId", "mailboxId"] as const;
type Gated = (typeof GATED)[number];

/**
 * Taking one of these ids without the gate's check on purpose, and why. Each
 * still answers an out-of-range id with NOT_FOUND.
 */
const UNGATED: Record<string, string> = {
  // Deletes only the caller's own presence row; a member just removed from the mailbox must still leave.
  "presence.leave": "answers null for any conversation",
};

interface Procedure {
  path: string;
  tier: Meta["tier"];
  fields: Set<string>;
  /** The procedure's input as JSON Schema (input side), merged over its chained .input() parsers. */
  schema: JsonSchema;
}

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  items?: JsonSchema;
  contentEncoding?: string;
};

type RouterDef = { _def: { procedures: Record<string, { _def: { inputs: z.ZodType[]; meta?: Meta } }> } };

function procedures(): Procedure[] {
  const all = (appRouter as unknown as RouterDef)._def.procedures;
  return Object.entries(all).map(([path, procedure]) => {
    const schema: JsonSchema = { type: "object", properties: {}, required: [] };
    for (const input of procedure._def.inputs) {
      const part = z.toJSONSchema(input, { io: "input", unrepresentable: "any" }) as JsonSchema;
      Object.assign(schema.properties as object, part.properties);
      schema.required = [...new Set([...(schema.required ?? []), ...(part.required ?? [])])];
    }
    return {
      path,
      tier: procedure._def.meta?.tier ?? "public",
      fields: new Set(Object.keys(schema.properties ?? {})),
      schema,
    };
  });
}

/** A value the schema accepts: required fields only, the smallest that passes. */
function sample(schema: JsonSchema): unknown {
  if (schema.anyOf) {
    if (schema.anyOf.some((s) => s.type === "null")) return null;
    return sample(schema.anyOf[0] as JsonSchema);
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object":
      return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(schema.properties?.[k] ?? {})]));
    case "array":
      return schema.minItems ? [sample(schema.items ?? {})] : [];
    case "integer":
    case "number":
      return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? 1);
    case "boolean":
      return false;
    case "string":
      if (schema.format === "uuid") return randomUUID();
      if (schema.contentEncoding === "base64") return "YQ==";
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return "x";
  }
}

type Call = (input: unknown) => Promise<unknown>;

/** How a call ended, as a line a failing assertion can show: "NOT_FOUND: No such conversation.", "resolved". */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "resolved";
  } catch (e) {
    return e instanceof TRPCError ? `${e.code}: ${e.message}` : `threw ${String(e)}`;
  }
}

function procedureOf(caller: unknown, path: string): Call {
  return path.split(".").reduce((node, key) => (node as Record<string, unknown>)[key], caller) as Call;
}

const ids = { admin: 0, alice: 0, olga: 0, mine: {} as Record<Gated, number>, theirs: {} as Record<Gated, number> };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await makeDomain();
  ids.admin = await makeUser("admin@example.com", { admin: true });
  ids.alice = await makeUser("alice@example.com");
  ids.olga = await makeUser("olga@example.com");
  // Alice's team works support@; Olga's works legal@ (the other team).
  const team = await db().team.create({ data: { name: "Support team", members: { create: [{ userId: ids.alice }] } } });
  const support = await makeSharedMailbox("support@example.com", ["admin@example.com"]);
  await db().membership.create({ data: { mailboxId: support, teamId: team.id } });
  const legal = await makeSharedMailbox("legal@example.com", ["olga@example.com"]);
  const ours = await deliver(support, { subject: "Ours" });
  const theirs = await deliver(legal, { subject: "Theirs" });
  ids.mine = { mailboxId: support, conversationId: ours.conversationId, messageId: ours.storedMessageId };
  ids.theirs = { mailboxId: legal, conversationId: theirs.conversationId, messageId: theirs.storedMessageId };
});

afterAll(async () => {
  await disconnectDb();
});

/** What must not change when every call is refused. */
async function footprint() {
  return {
    audit: await db().auditEvent.count(),
    live: await db().liveEvent.count(),
    notes: await db().note.count(),
    tags: await db().tag.count(),
    held: await db().pendingReply.count(),
    queued: await db().outboundMessage.count(),
    appPasswords: await db().appPassword.count(),
    savedReplies: await db().savedReply.count(),
    presence: await db().presence.count(),
    theirs: await db().conversation.findUniqueOrThrow({ where: { id: ids.theirs.conversationId } }),
  };
}

describe("every procedure that takes a conversation, message or mailbox id", () => {
  const gated = procedures().filter((p) => GATED.some((f) => p.fields.has(f)));

  it("is found by walking the router", () => {
    // A guard against the walk silently finding nothing.
    expect(gated.length).toBeGreaterThan(25);
    for (const path of [
      "conversations.send",
      "notes.add",
      "workflow.inbox",
      "mailbox.get",
      "presence.report",
      "recovery.deleteConversation",
      "recovery.deleteMessage",
      "recovery.recentlyDeleted",
      "recovery.restore",
    ]) {
      expect(gated.map((p) => p.path)).toContain(path);
    }
  });

  // Also as one request whose calls share the gate's answers (server/access/request-gate.ts), as
  // the tRPC route and a server render make it: what one call was told never opens another door.
  it.each([
    ["each call asks the gate", callerFor],
    ["one request for all", requestFor],
  ])(
    "answers another team's id exactly like a missing one, and an out-of-range id, with NOT_FOUND (%s)",
    async (_, callerOf) => {
      const before = await footprint();
      const alice = await callerOf(ids.alice);
      const checked: string[] = [];
      for (const procedure of gated.filter((p) => p.tier !== "admin" && !(p.path in UNGATED))) {
        for (const field of GATED.filter((f) => procedure.fields.has(f))) {
          const base = { ...(sample(procedure.schema) as object), ...pick(ids.mine, procedure.fields) };
          const answer = (value: number) => outcome(procedureOf(alice, procedure.path)({ ...base, [field]: value }));
          const where = `${procedure.path} ${field}`;
          const foreign = await answer(ids.theirs[field]);
          expect(foreign, where).toBe(await answer(MISSING));
          expect(foreign, where).toMatch(/^NOT_FOUND: /);
          expect(await answer(OUT_OF_RANGE), where).toMatch(/^NOT_FOUND: /);
          checked.push(where);
        }
      }
      expect(checked.length).toBeGreaterThan(25);
      expect(await footprint()).toEqual(before);
    },
  );

  it("admin-only ones answer an out-of-range id with NOT_FOUND", async () => {
    const admin = await callerFor(ids.admin);
    const adminOnly = gated.filter((p) => p.tier === "admin");
    expect(adminOnly.map((p) => p.path)).toContain("approval.setMember");
    expect(adminOnly.map((p) => p.path)).toContain("admin.members.change");
    expect(adminOnly.map((p) => p.path)).toEqual(
      expect.arrayContaining(["recovery.admin.search", "recovery.admin.restore", "recovery.admin.setRetention"]),
    );
    for (const procedure of adminOnly) {
      for (const field of GATED.filter((f) => procedure.fields.has(f))) {
        const input = { ...(sample(procedure.schema) as object), [field]: ids.theirs[field] };
        const outOfRange = procedureOf(admin, procedure.path)({ ...input, [field]: OUT_OF_RANGE });
        expect(await outcome(outOfRange), procedure.path).toMatch(/^NOT_FOUND: /);
      }
    }
  });

  it("the ones that skip the gate on purpose still refuse an out-of-range id", async () => {
    const alice = await callerFor(ids.alice);
    for (const procedure of gated.filter((p) => p.path in UNGATED)) {
      for (const field of GATED.filter((f) => procedure.fields.has(f))) {
        const input = { ...(sample(procedure.schema) as object), [field]: OUT_OF_RANGE };
        expect(await outcome(procedureOf(alice, procedure.path)(input)), procedure.path).toMatch(/^NOT_FOUND: /);
      }
    }
  });
});

describe("every admin procedure", () => {
  it("answers an agent like a missing path, changes nothing, and audits the attempt", async () => {
    const alice = await callerFor(ids.alice);
    const adminOnly = procedures().filter((p) => p.tier === "admin");
    for (const path of [
      "admin.users.edit",
      "admin.users.remove",
      "admin.users.resetPassword",
      "admin.members.change",
    ]) {
      expect(adminOnly.map((p) => p.path)).toContain(path);
    }
    const before = { ...(await footprint()), audit: 0 };
    const auditBefore = await db().auditEvent.count();
    const users = await db().user.findMany({ orderBy: { id: "asc" } });
    const memberships = await db().membership.findMany({ orderBy: { id: "asc" } });
    for (const procedure of adminOnly) {
      const input = { ...(sample(procedure.schema) as object), ...pick(ids.theirs, procedure.fields) };
      if (procedure.fields.has("userId")) Object.assign(input, { userId: ids.admin });
      const answer = await outcome(procedureOf(alice, procedure.path)(input));
      expect(answer, procedure.path).toBe(`NOT_FOUND: No procedure found on path "${procedure.path}"`);
    }
    expect({ ...(await footprint()), audit: 0 }).toEqual(before);
    expect(await db().user.findMany({ orderBy: { id: "asc" } })).toEqual(users);
    expect(await db().membership.findMany({ orderBy: { id: "asc" } })).toEqual(memberships);
    const refused = await db().auditEvent.findMany({ where: { action: "admin.refused", actorId: ids.alice } });
    expect(await db().auditEvent.count()).toBe(auditBefore + adminOnly.length);
    expect(refused.map((a) => a.subjectId).sort()).toEqual(adminOnly.map((p) => p.path).sort());
  });
});

describe("every id in any procedure's input", () => {
  it("answers an out-of-range id with NOT_FOUND, never a 500", async () => {
    const admin = await callerFor(ids.admin);
    const checked: string[] = [];
    for (const procedure of procedures()) {
      const idFields = [...procedure.fields].filter(
        (f) => (f === "id" || f.endsWith("Id")) && isInteger(procedure.schema.properties?.[f] ?? {}),
      );
      for (const field of idFields) {
        const base = { ...(sample(procedure.schema) as object), ...pick(ids.mine, procedure.fields) };
        const call = procedureOf(admin, procedure.path)({ ...base, [field]: OUT_OF_RANGE });
        expect(await outcome(call), `${procedure.path} ${field}`).toMatch(/^NOT_FOUND: /);
        checked.push(`${procedure.path} ${field}`);
      }
    }
    expect(checked).toContain("approval.approve pendingReplyId");
    expect(checked).toContain("workflow.assign assigneeId");
  });
});

function isInteger(schema: JsonSchema): boolean {
  return schema.type === "integer" || (schema.anyOf ?? []).some(isInteger);
}

function pick(values: Record<Gated, number>, fields: Set<string>): Partial<Record<Gated, number>> {
  return Object.fromEntries(GATED.filter((f) => fields.has(f)).map((f) => [f, values[f]]));
}

describe("the domain procedures (admin only)", () => {
  const domainProcedures = procedures().filter((p) => p.path.startsWith("admin.domains."));

  it("answer an agent exactly as a procedure that does not exist, audit the attempt and change nothing", async () => {
    expect(domainProcedures.map((p) => p.path).sort()).toEqual([
      "admin.domains.add",
      "admin.domains.check",
      "admin.domains.list",
      "admin.domains.removeDkimKey",
      "admin.domains.rotateDkim",
    ]);
    const alice = await callerFor(ids.alice);
    const before = await db().domain.findMany({ include: { retiredDkimKeys: true }, orderBy: { id: "asc" } });
    // Other tests of this file may have audited refusals already: only what follows counts.
    const lastAudit = (await db().auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0;
    for (const procedure of domainProcedures) {
      // A real domain and selector, so that only the caller's role can be the reason for the refusal.
      const input = { ...(sample(procedure.schema) as object), name: "example.com", selector: before[0]?.dkimSelector };
      const refused = await outcome(procedureOf(alice, procedure.path)(input));
      const nonexistent = procedure.path.replace(/\.(\w+)$/, ".$1Nonexistent");
      // The in-process caller names a missing path with commas ("admin,domains,x"); over HTTP it has dots.
      const missing = (await outcome(procedureOf(alice, nonexistent)(input)))
        .replaceAll(",", ".")
        .replace(nonexistent, procedure.path);
      expect(refused, procedure.path).toBe(missing);
      expect(refused, procedure.path).toMatch(/^NOT_FOUND: /);
    }
    expect(await db().domain.findMany({ include: { retiredDkimKeys: true }, orderBy: { id: "asc" } })).toEqual(before);
    const audit = await db().auditEvent.findMany({ where: { id: { gt: lastAudit } }, orderBy: { id: "asc" } });
    // One entry per refused call (a nonexistent path is not a procedure: nothing to audit).
    expect(audit.map((e) => [e.actorId, e.action, e.subjectId])).toEqual(
      domainProcedures.map((p) => [ids.alice, "admin.refused", p.path]),
    );
  });
});
