// The conversation workflow through tRPC (createCaller, as a browser's JSON
// POST): status, assignment, snooze and its waker, the customer's reply that
// wakes a conversation, the audit trail and LiveEvent rows written with each
// change, optimistic concurrency, status labels, and membership: another
// mailbox's conversation answers exactly like a missing one.
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { wakeSnoozed } from "../../server/workflow/wake-snoozed.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "workflow-status-test-secret-0123456789";
const HOUR = 3600_000;

let adminId = 0;
let annId = 0;
let bobId = 0;
let outsiderId = 0;
let supportId = 0;
let salesId = 0;

const callerFor = sessionCaller(SECRET);

async function auditOf(conversationId: number) {
  return db().auditEvent.findMany({
    where: { subjectType: "conversation", subjectId: String(conversationId) },
    orderBy: { id: "asc" },
  });
}

async function liveOf(conversationId: number) {
  return db().liveEvent.findMany({
    where: { conversationId, kind: { not: "message.stored" } },
    orderBy: { id: "asc" },
  });
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { name: "Admin", admin: true });
  annId = await makeUser("ann@example.com", { name: "Ann" });
  bobId = await makeUser("bob@example.com", { name: "Bob" });
  outsiderId = await makeUser("olivia@example.com", { name: "Olivia" });
  supportId = await makeSharedMailbox(
    "support@example.com",
    ["ann@example.com", "bob@example.com", "admin@example.com"],
    { displayName: "Support" },
  );
  salesId = await makeSharedMailbox("sales@example.com", ["olivia@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

describe("membership", () => {
  it("answers another mailbox's conversation exactly like a missing one, for every procedure", async () => {
    const foreign = (await deliver(salesId)).conversationId;
    const ann = await callerFor(annId);
    const calls = (conversationId: number) => [
      () => ann.workflow.state({ conversationId }),
      () => ann.workflow.history({ conversationId }),
      () => ann.workflow.setStatus({ conversationId, status: "closed" }),
      () => ann.workflow.assign({ conversationId, assigneeId: annId }),
      () => ann.workflow.snooze({ conversationId, until: new Date(Date.now() + HOUR) }),
    ];
    for (const conversationId of [foreign, 999_999]) {
      for (const call of calls(conversationId)) {
        const error = await trpcError(call());
        expect(error.code).toBe("NOT_FOUND");
        expect(error.message).toBe("No such conversation.");
      }
    }
    const untouched = await db().conversation.findUniqueOrThrow({ where: { id: foreign } });
    expect(untouched).toMatchObject({ status: "open", assigneeId: null, snoozedUntil: null });
    expect(await auditOf(foreign)).toEqual([]);
    // Nor does the inbox show it.
    const page = await ann.workflow.inbox({ folder: "all" });
    expect(page.items.map((c) => c.id)).not.toContain(foreign);
    // Another team's mailbox as the view answers like one that does not exist.
    expect((await trpcError(ann.workflow.inbox({ folder: "all", mailboxId: salesId }))).code).toBe("NOT_FOUND");
  });
});

describe("status", () => {
  it("sets each status with its audit event and LiveEvent, in the same transaction", async () => {
    const { conversationId } = await deliver(supportId);
    const ann = await callerFor(annId);
    let expected: "open" | "pending" | "closed" | "spam" = "open";
    for (const status of ["pending", "closed", "spam", "open"] as const) {
      const state = await ann.workflow.setStatus({ conversationId, status, expected });
      expect(state.status).toBe(status);
      expected = status;
    }
    const audit = await auditOf(conversationId);
    expect(audit.map((a) => [a.action, a.actorId, a.before, a.after])).toEqual([
      ["conversation.status", annId, { status: "open" }, { status: "pending" }],
      ["conversation.status", annId, { status: "pending" }, { status: "closed" }],
      ["conversation.status", annId, { status: "closed" }, { status: "spam" }],
      ["conversation.status", annId, { status: "spam" }, { status: "open" }],
    ]);
    const live = await liveOf(conversationId);
    expect(live.map((e) => [e.kind, e.mailboxId, e.actorId, e.payload])).toEqual([
      ["conversation.status", supportId, annId, { status: "pending", previous: "open" }],
      ["conversation.status", supportId, annId, { status: "closed", previous: "pending" }],
      ["conversation.status", supportId, annId, { status: "spam", previous: "closed" }],
      ["conversation.status", supportId, annId, { status: "open", previous: "spam" }],
    ]);
    // Setting the status it already has writes nothing.
    await ann.workflow.setStatus({ conversationId, status: "open", expected: "open" });
    expect(await auditOf(conversationId)).toHaveLength(4);
    // The history shows them with the actor's name.
    const history = await ann.workflow.history({ conversationId });
    expect(history.map((h) => [h.action, h.actor?.name])).toEqual(
      Array.from({ length: 4 }, () => ["conversation.status", "Ann"]),
    );
  });

  it("refuses an unknown status", async () => {
    const { conversationId } = await deliver(supportId);
    const error = await trpcError(
      (await callerFor(annId)).workflow.setStatus({ conversationId, status: "archived" as never }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("lets two agents change the same conversation at once: one wins, the other is told the current state", async () => {
    const { conversationId } = await deliver(supportId);
    const [ann, bob] = [await callerFor(annId), await callerFor(bobId)];
    const results = await Promise.allSettled([
      ann.workflow.setStatus({ conversationId, status: "pending", expected: "open" }),
      bob.workflow.setStatus({ conversationId, status: "closed", expected: "open" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const final = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    const winner = (won[0] as PromiseFulfilledResult<{ status: string }>).value.status;
    expect(final.status).toBe(winner);
    const error = lost[0]?.reason as TRPCError;
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      `Changed by someone else: now ${winner === "pending" ? "Pending" : "Closed"}, unassigned`,
    );
    expect(await auditOf(conversationId)).toHaveLength(1);
    expect(await liveOf(conversationId)).toHaveLength(1);
  });
});

describe("assignment", () => {
  it("assigns to a member, to me and to nobody, and refuses a non-member", async () => {
    const { conversationId } = await deliver(supportId);
    const ann = await callerFor(annId);
    expect(
      (await ann.workflow.assign({ conversationId, assigneeId: bobId, expectedAssigneeId: null })).assignee,
    ).toEqual({ id: bobId, name: "Bob", email: "bob@example.com" });
    expect(
      (await ann.workflow.assign({ conversationId, assigneeId: annId, expectedAssigneeId: bobId })).assignee?.id,
    ).toBe(annId);
    const refused = await trpcError(ann.workflow.assign({ conversationId, assigneeId: outsiderId }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toBe("Only a member of this mailbox can be assigned.");
    const missing = await trpcError(ann.workflow.assign({ conversationId, assigneeId: 999_999 }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect((await ann.workflow.assign({ conversationId, assigneeId: null, expectedAssigneeId: annId })).assignee).toBe(
      null,
    );

    const audit = await auditOf(conversationId);
    expect(audit.map((a) => [a.action, (a.after as { assigneeId: number | null }).assigneeId])).toEqual([
      ["conversation.assigned", bobId],
      ["conversation.assigned", annId],
      ["conversation.assigned", null],
    ]);
    expect(
      (await liveOf(conversationId)).map((e) => [e.kind, (e.payload as { assigneeId: number }).assigneeId]),
    ).toEqual([
      ["conversation.assigned", bobId],
      ["conversation.assigned", annId],
      ["conversation.assigned", null],
    ]);
  });

  it("tells the slower of two agents who took the conversation", async () => {
    const { conversationId } = await deliver(supportId);
    const [ann, bob] = [await callerFor(annId), await callerFor(bobId)];
    await ann.workflow.assign({ conversationId, assigneeId: annId, expectedAssigneeId: null });
    const error = await trpcError(bob.workflow.assign({ conversationId, assigneeId: bobId, expectedAssigneeId: null }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("Changed by someone else: now Open, assigned to Ann");
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).assigneeId).toBe(annId);
  });
});

describe("snooze", () => {
  it("snoozes into Snoozed, and the waker returns it to Open once, with history and live event", async () => {
    const { conversationId } = await deliver(supportId);
    const ann = await callerFor(annId);
    await ann.workflow.setStatus({ conversationId, status: "pending", expected: "open" });
    const until = new Date(Date.now() + 2 * HOUR);
    const state = await ann.workflow.snooze({ conversationId, until, expectedUntil: null });
    expect(state.snoozedUntil?.toISOString()).toBe(until.toISOString());
    const snoozed = await ann.workflow.inbox({ folder: "snoozed", mailboxId: supportId });
    expect(snoozed.items.map((c) => c.id)).toContain(conversationId);
    const pending = await ann.workflow.inbox({ folder: "pending", mailboxId: supportId });
    expect(pending.items.map((c) => c.id)).not.toContain(conversationId);

    expect(await wakeSnoozed(new Date(Date.now() + HOUR))).not.toContain(conversationId);
    // Two wakers racing: the conversation wakes exactly once.
    const later = new Date(until.getTime() + 1000);
    const [a, b] = await Promise.all([wakeSnoozed(later), wakeSnoozed(later)]);
    expect([...(a ?? []), ...(b ?? [])].filter((id) => id === conversationId)).toHaveLength(1);
    const woken = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(woken).toMatchObject({ status: "open", snoozedUntil: null });
    const audit = await auditOf(conversationId);
    expect(audit.map((x) => x.action)).toEqual(["conversation.status", "conversation.snoozed", "conversation.woke"]);
    expect(audit[2]?.actorId).toBe(null);
    expect((await liveOf(conversationId)).map((e) => e.kind)).toEqual([
      "conversation.status",
      "conversation.snoozed",
      "conversation.snoozed",
    ]);
  });

  it("is woken by the customer's reply (the write path), which also reopens it", async () => {
    const { conversationId, messageId } = await deliver(supportId);
    const ann = await callerFor(annId);
    await ann.workflow.setStatus({ conversationId, status: "pending", expected: "open" });
    await ann.workflow.snooze({ conversationId, until: new Date(Date.now() + 24 * HOUR), expectedUntil: null });
    const reply = await deliver(supportId, { headers: [`In-Reply-To: <${messageId}>`, `References: <${messageId}>`] });
    expect(reply.conversationId).toBe(conversationId);
    const after = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(after).toMatchObject({ status: "open", snoozedUntil: null });
    expect((await ann.workflow.inbox({ folder: "open", mailboxId: supportId })).items.map((c) => c.id)).toContain(
      conversationId,
    );
  });

  it("refuses a time in the past, a closed conversation, and a stale snooze", async () => {
    const { conversationId } = await deliver(supportId);
    const ann = await callerFor(annId);
    expect((await trpcError(ann.workflow.snooze({ conversationId, until: new Date(Date.now() - 1000) }))).code).toBe(
      "BAD_REQUEST",
    );
    await ann.workflow.snooze({ conversationId, until: new Date(Date.now() + HOUR), expectedUntil: null });
    const stale = await trpcError(
      (await callerFor(bobId)).workflow.snooze({
        conversationId,
        until: new Date(Date.now() + 5 * HOUR),
        expectedUntil: null,
      }),
    );
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toMatch(/^Changed by someone else: now Open, unassigned, snoozed until /);
    // Closing ends the snooze; a closed conversation cannot be snoozed.
    await ann.workflow.setStatus({ conversationId, status: "closed" });
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).snoozedUntil).toBe(null);
    const closed = await trpcError(ann.workflow.snooze({ conversationId, until: new Date(Date.now() + HOUR) }));
    expect(closed.message).toBe("Only open or pending conversations can be snoozed.");
  });
});

describe("status labels", () => {
  it("are renamed by an admin only, and used in what agents are told", async () => {
    const ann = await callerFor(annId);
    expect(await ann.workflow.statusLabels()).toEqual({
      open: "Open",
      pending: "Pending",
      closed: "Closed",
      spam: "Spam",
    });
    const labels = { open: "未処理", pending: "対応中", closed: "完了", spam: "迷惑" };
    expect((await trpcError(ann.workflow.setStatusLabels(labels))).code).toBe("NOT_FOUND");
    expect((await trpcError((await callerFor(adminId)).workflow.setStatusLabels({ ...labels, open: " " }))).code).toBe(
      "BAD_REQUEST",
    );
    await (await callerFor(adminId)).workflow.setStatusLabels(labels);
    expect(await ann.workflow.statusLabels()).toEqual(labels);
    const { conversationId } = await deliver(supportId);
    await ann.workflow.setStatus({ conversationId, status: "pending", expected: "open" });
    const error = await trpcError(
      (await callerFor(bobId)).workflow.setStatus({ conversationId, status: "closed", expected: "open" }),
    );
    expect(error.message).toBe("Changed by someone else: now 対応中, unassigned");
    await (await callerFor(adminId)).workflow.setStatusLabels({
      open: "Open",
      pending: "Pending",
      closed: "Closed",
      spam: "Spam",
    });
  });
});
