// The operations pages' procedures as the browser calls them (tRPC with a
// real session cookie, a real database): the queue with its filters, summary,
// retry and drop (audited); the audit log's filters, paging and CSV export
// route; the server status. Hostile inputs (huge ranges, bad dates, LIKE
// wildcards, long or NUL-bearing text) get clear refusals, never a 500, and an
// agent gets NOT_FOUND for every one of them, audited. Also: sign-ins, their
// failures and app-password use write audit events, once per login.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportRoute } from "../../app/api/admin/audit-log/route.ts";
import { createAppPassword } from "../../server/auth/app-passwords.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { flushErrorLog, logError } from "../../server/cluster/error-log.ts";
import { startHeartbeat } from "../../server/cluster/heartbeat.ts";
import { mailPerHour } from "../../server/cluster/mail-per-hour.ts";
import { sqlTransaction } from "../../server/db/raw-sql.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { enqueueTx } from "../../server/outbound/enqueue.ts";
import { retryJob } from "../../server/outbound/queue-admin.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser, TEST_PASSWORD } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "admin-operations-test-secret-0123456789abcdef";
const ADMIN_IP = "192.0.2.50";
const caller = sessionCaller(SECRET);
const HOUR = 3600_000;

let adminId = 0;
let agentId = 0;
let supportId = 0;
/** Job ids by name. */
const jobs = { deferred: 0, queued: 0, underscore: 0, lookalike: 0, delivered: 0 };

const admin = () => caller(adminId, { "x-forwarded-for": ADMIN_IP });
const agent = () => caller(agentId);

async function enqueue(to: string, createdAt: Date): Promise<number> {
  const id = await sqlTransaction((tx) =>
    enqueueTx(tx, {
      raw: Buffer.from(`From: support@example.com\r\nTo: ${to}\r\nSubject: queued\r\n\r\nHello\r\n`),
      mailFrom: "support@example.com",
      recipients: [to],
      messageIdHeader: null,
      now: createdAt,
    }),
  );
  const job = await db().deliveryJob.findFirstOrThrow({ where: { outboundMessageId: id as number } });
  return job.id;
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { admin: true, name: "Ada Admin" });
  agentId = await makeUser("agent@example.com", { name: "Agnes Agent" });
  supportId = await makeSharedMailbox("support@example.com", ["admin@example.com", "agent@example.com"]);
  const now = Date.now();
  jobs.deferred = await enqueue("late@slow.example", new Date(now - 2 * HOUR));
  await db().deliveryJob.update({
    where: { id: jobs.deferred },
    data: {
      state: "deferred",
      attempts: 1,
      lastReply: "451 4.4.5 Try later",
      lastAttemptAt: new Date(now - HOUR),
      nextAttemptAt: new Date(now + HOUR),
    },
  });
  jobs.queued = await enqueue("next@slow.example", new Date(now - 5 * 60_000));
  jobs.underscore = await enqueue("x@a_b.example", new Date(now - 60_000));
  jobs.lookalike = await enqueue("x@axb.example", new Date(now - 60_000));
  jobs.delivered = await enqueue("done@fast.example", new Date(now - 3 * HOUR));
  await db().deliveryJob.update({
    where: { id: jobs.delivered },
    data: { state: "delivered", attempts: 1, lastReply: "250 2.0.0 Ok", lastAttemptAt: new Date(now - 2 * HOUR) },
  });
});

afterAll(async () => {
  await disconnectDb();
});

describe("admin.queue", () => {
  it("lists the waiting jobs by default, with the last reply and next attempt", async () => {
    const { items, nextCursor } = await (await admin()).admin.queue.list({});
    expect(items.map((j) => j.id)).toEqual([jobs.deferred, jobs.queued, jobs.underscore, jobs.lookalike]);
    expect(nextCursor).toBeNull();
    const deferred = items[0];
    expect(deferred).toMatchObject({
      state: "deferred",
      domain: "slow.example",
      attempts: 1,
      lastReply: "451 4.4.5 Try later",
      mailFrom: "support@example.com",
      recipients: [{ address: "late@slow.example", state: "pending" }],
    });
    expect(deferred?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("filters by state, by destination domain (case-insensitive, wildcards literal) and by age", async () => {
    const list = async (input: Parameters<Awaited<ReturnType<typeof admin>>["admin"]["queue"]["list"]>[0]) =>
      (await (await admin()).admin.queue.list(input)).items.map((j) => j.id);
    expect(await list({ state: "deferred" })).toEqual([jobs.deferred]);
    expect(await list({ state: "delivered" })).toEqual([jobs.delivered]);
    expect(await list({ state: "all" })).toHaveLength(5);
    expect(await list({ domain: "SLOW" })).toEqual([jobs.deferred, jobs.queued]);
    expect(await list({ domain: "a_b" })).toEqual([jobs.underscore]);
    expect(await list({ domain: "%" })).toEqual([]);
    expect(await list({ domain: "\\" })).toEqual([]);
    expect(await list({ olderThanMinutes: 60 })).toEqual([jobs.deferred]);
    expect(await list({ olderThanMinutes: 60, state: "all" })).toEqual([jobs.deferred, jobs.delivered]);
    expect(await list({ cursor: jobs.queued })).toEqual([jobs.underscore, jobs.lookalike]);
  });

  it("refuses hostile filters with BAD_REQUEST", async () => {
    for (const input of [
      { olderThanMinutes: -1 },
      { olderThanMinutes: 1e9 },
      { olderThanMinutes: 1.5 },
      { state: "bogus" },
      { domain: "x".repeat(300) },
      { domain: "a\u0000b" },
    ]) {
      const error = await trpcError((await admin()).admin.queue.list(input as never));
      expect(error.code, JSON.stringify(input)).toBe("BAD_REQUEST");
    }
  });

  it("summarises the waiting jobs per destination domain", async () => {
    const summary = await (await admin()).admin.queue.summary();
    expect(summary.jobs).toBe(4);
    expect(summary.oldest?.getTime()).toBe(
      (await db().deliveryJob.findUniqueOrThrow({ where: { id: jobs.deferred } })).createdAt.getTime(),
    );
    expect(summary.domains.map((d) => [d.domain, d.jobs, d.lastReply])).toEqual([
      ["slow.example", 2, "451 4.4.5 Try later"],
      ["a_b.example", 1, null],
      ["axb.example", 1, null],
    ]);
  });

  it("retries a waiting job now, audited with the admin and address", async () => {
    const before = Date.now();
    expect(await (await admin()).admin.queue.retry({ jobId: jobs.deferred })).toEqual({ jobId: jobs.deferred });
    const job = await db().deliveryJob.findUniqueOrThrow({ where: { id: jobs.deferred } });
    expect(job.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(job.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "queue.retry" } });
    expect(audit).toMatchObject({
      actorId: adminId,
      subjectType: "delivery_job",
      subjectId: String(jobs.deferred),
      ip: ADMIN_IP,
      before: expect.objectContaining({ state: "deferred", domain: "slow.example", lastReply: "451 4.4.5 Try later" }),
    });
  });

  it("the CLI's retry is audited too, with no actor", async () => {
    await retryJob(jobs.queued);
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "queue.retry", subjectId: String(jobs.queued) },
    });
    expect([audit.actorId, audit.ip]).toEqual([null, null]);
  });

  it("answers NOT_FOUND for a job that is not waiting, missing or out of range", async () => {
    for (const jobId of [jobs.delivered, 999_999, 2 ** 31]) {
      const error = await trpcError((await admin()).admin.queue.retry({ jobId }));
      expect(error.code).toBe("NOT_FOUND");
    }
    expect(await db().auditEvent.count({ where: { action: "queue.retry", subjectId: String(jobs.delivered) } })).toBe(
      0,
    );
  });

  it("drops a job without delivering it, audited with what it was", async () => {
    await (await admin()).admin.queue.drop({ jobId: jobs.lookalike });
    expect(await db().deliveryJob.findUnique({ where: { id: jobs.lookalike } })).toBeNull();
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "queue.drop" } });
    expect(audit).toMatchObject({
      actorId: adminId,
      subjectId: String(jobs.lookalike),
      before: expect.objectContaining({
        mailFrom: "support@example.com",
        domain: "axb.example",
        recipients: [{ address: "x@axb.example", state: "pending" }],
      }),
    });
    const again = await trpcError((await admin()).admin.queue.drop({ jobId: jobs.lookalike }));
    expect(again.code).toBe("NOT_FOUND");
    expect(await db().auditEvent.count({ where: { action: "queue.drop" } })).toBe(1);
  });
});

describe("an agent", () => {
  it("is answered like a missing path by every operations procedure, audited, and nothing changes", async () => {
    const calls: [string, (c: Awaited<ReturnType<typeof agent>>) => Promise<unknown>][] = [
      ["admin.queue.list", (c) => c.admin.queue.list({})],
      ["admin.queue.summary", (c) => c.admin.queue.summary()],
      ["admin.queue.retry", (c) => c.admin.queue.retry({ jobId: jobs.underscore })],
      ["admin.queue.drop", (c) => c.admin.queue.drop({ jobId: jobs.underscore })],
      ["admin.audit.search", (c) => c.admin.audit.search({})],
      ["admin.audit.export", (c) => c.admin.audit.export({})],
      ["admin.status.overview", (c) => c.admin.status.overview()],
    ];
    const job = await db().deliveryJob.findUniqueOrThrow({ where: { id: jobs.underscore } });
    for (const [path, call] of calls) {
      // One refused call at a time (see the preamble: no unhandled rejections).
      const error = await trpcError(call(await agent()));
      expect([error.code, error.message], path).toEqual(["NOT_FOUND", `No procedure found on path "${path}"`]);
    }
    expect(await db().deliveryJob.findUniqueOrThrow({ where: { id: jobs.underscore } })).toEqual(job);
    const refused = await db().auditEvent.findMany({
      where: { action: "admin.refused", actorId: agentId },
      orderBy: { id: "asc" },
    });
    expect(refused.map((e) => e.subjectId)).toEqual(calls.map(([path]) => path));
  });
});

describe("admin.audit.search", () => {
  const old = new Date("2025-03-01T10:00:00Z");

  beforeAll(async () => {
    // Events with chosen times and values (inserting is the one thing the table allows).
    await db().auditEvent.create({
      data: {
        actorId: adminId,
        action: "user.remove",
        subjectType: "user",
        subjectId: "77",
        ip: "198.51.100.9",
        at: old,
        before: { email: "gone@example.com" },
      },
    });
    await db().auditEvent.create({
      data: { actorId: null, action: "100%_done", subjectType: "test", subjectId: "%", ip: null },
    });
    for (let i = 0; i < 60; i++) {
      await db().auditEvent.create({
        data: { actorId: agentId, action: "bulk.event", subjectType: "bulk", subjectId: String(i), ip: "203.0.113.4" },
      });
    }
  });

  const search = async (input: Record<string, unknown>) => (await admin()).admin.audit.search(input as never);

  it("pages newest first, 50 at a time, without gaps or repeats", async () => {
    const first = await search({ action: "bulk." });
    expect(first.items).toHaveLength(50);
    expect(first.items.map((e) => e.subjectId).slice(0, 2)).toEqual(["59", "58"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await search({ action: "bulk.", cursor: first.nextCursor });
    expect(second.items.map((e) => e.subjectId)).toEqual(["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("filters by actor, action, subject and client address", async () => {
    const bulk = await search({ actor: "AGNES", action: "bulk" });
    expect(bulk.items.every((e) => e.actorEmail === "agent@example.com" && e.action === "bulk.event")).toBe(true);
    expect((await search({ actor: "agent@example.com", action: "queue." })).items).toEqual([]);
    const retries = await search({ action: "queue.retry" });
    expect(retries.items.map((e) => [e.actorEmail, e.actorName, e.subjectType])).toEqual([
      [null, null, "delivery_job"],
      ["admin@example.com", "Ada Admin", "delivery_job"],
    ]);
    expect((await search({ subject: `delivery_job:${jobs.deferred}` })).items.map((e) => e.action)).toEqual([
      "queue.retry",
    ]);
    expect((await search({ subject: "bulk" })).items).toHaveLength(50);
    expect((await search({ subject: "59" })).items.map((e) => e.action)).toEqual(["bulk.event"]);
    expect((await search({ address: "203.0.113." })).items).toHaveLength(50);
    expect((await search({ address: "203.0.113.5" })).items).toEqual([]);
  });

  it("takes LIKE wildcards literally", async () => {
    expect((await search({ action: "%" })).items).toEqual([]);
    expect((await search({ action: "_" })).items).toEqual([]);
    expect((await search({ action: "100%_" })).items.map((e) => e.action)).toEqual(["100%_done"]);
    expect((await search({ actor: "%" })).items).toEqual([]);
    expect((await search({ address: "%" })).items).toEqual([]);
    expect((await search({ subject: "%" })).items.map((e) => e.action)).toEqual(["100%_done"]);
  });

  it("searches the last 30 days unless given a range, and finds older events inside one", async () => {
    expect((await search({ action: "user.remove" })).items).toEqual([]);
    const found = await search({ action: "user.remove", since: "2025-02-01T00:00:00Z", until: "2025-04-01T00:00:00Z" });
    expect(found.items.map((e) => [e.subjectId, e.ip, e.at.toISOString(), e.before])).toEqual([
      ["77", "198.51.100.9", old.toISOString(), { email: "gone@example.com" }],
    ]);
    expect((await search({ action: "user.remove", until: "2025-03-15T00:00:00Z" })).items).toHaveLength(1);
    expect(
      (await search({ action: "user.remove", since: "2025-03-01T10:00:00.001Z", until: "2025-04-01" })).items,
    ).toEqual([]);
  });

  it("refuses huge ranges, backwards ranges, bad dates and oversized text with BAD_REQUEST", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ since: "2020-01-01T00:00:00Z", until: "2025-01-01T00:00:00Z" }, /at most 366 days/],
      [{ since: "1970-01-01T00:00:00Z" }, /at most 366 days/],
      [{ since: "2025-04-01T00:00:00Z", until: "2025-03-01T00:00:00Z" }, /ends before it starts/],
      [{ since: "not-a-date" }, /since: not a valid date/],
      [{ until: "2025-13-45" }, /until: not a valid date/],
      [{ since: "-271821-04-20T00:00:00Z" }, /since: the year must be from 1970 to 9999/],
      [{ until: "+275760-09-13T00:00:00Z" }, /until: the year must be from 1970 to 9999/],
      [{ actor: "a".repeat(321) }, /actor/],
      [{ subject: "x\u0000y" }, /NUL/],
      [{ action: 42 }, /action/],
    ];
    for (const [input, message] of cases) {
      const error = await trpcError(search(input));
      expect([error.code, error.message], JSON.stringify(input)).toEqual([
        "BAD_REQUEST",
        expect.stringMatching(message),
      ]);
    }
    const cursor = await trpcError(search({ cursor: 2 ** 31 }));
    expect(cursor.code).toBe("NOT_FOUND");
  });
});

describe("the audit log's CSV export", () => {
  async function get(userId: number | null, query: string) {
    const headers = new Headers({ host: "yubin.test", "x-forwarded-for": ADMIN_IP });
    if (userId !== null) {
      headers.set(
        "cookie",
        `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`,
      );
    }
    return exportRoute(new Request(`http://yubin.test/api/admin/audit-log${query}`, { headers }));
  }

  it("downloads the filtered log as CSV, formulas defused, and audits the export", async () => {
    // A sign-in failure whose login a spreadsheet would run as a formula.
    expect(
      await verifyCredentials({ email: "=1+2@evil.example", password: "x", remoteAddress: "203.0.113.66" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
    const response = await get(adminId, "?action=sign_in.failure&address=203.0.113.66");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="yubin-audit-\d{8}-\d{4}\.csv"$/,
    );
    expect(response.headers.get("x-yubin-truncated")).toBe("0");
    const text = await response.text();
    const lines = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(
      "id,time_utc,actor_id,actor_email,actor_name,action,subject_type,subject_id,client_address,before,after",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,,,,sign_in\.failure,login,'=1\+2@evil\.example,203\.0\.113\.66,,"\{""door"":""web""\}"$/,
    );
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "audit.export" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({
      actorId: adminId,
      ip: ADMIN_IP,
      after: { filter: { action: "sign_in.failure", address: "203.0.113.66" }, rows: 1, truncated: false },
    });
  });

  it("exports a chosen time range and refuses a bad one with 400", async () => {
    const ok = await get(adminId, "?action=user.remove&since=2025-02-01T00:00:00Z&until=2025-04-01T00:00:00Z");
    expect((await ok.text()).split("\r\n")[1]).toMatch(
      /,user\.remove,user,77,198\.51\.100\.9,"\{""email"":""gone@example\.com""\}",$/,
    );
    const bad = await get(adminId, "?since=2020-01-01&until=2025-01-01");
    expect([bad.status, await bad.text()]).toEqual([400, "The time range may span at most 366 days.\n"]);
    const garbage = await get(adminId, "?until=yesterday");
    expect(garbage.status).toBe(400);
  });

  it("is a 404 for an agent (audited) and for nobody signed in", async () => {
    const refusedBefore = await db().auditEvent.count({ where: { action: "admin.refused", actorId: agentId } });
    expect((await get(agentId, "")).status).toBe(404);
    expect((await get(null, "")).status).toBe(404);
    expect(await db().auditEvent.count({ where: { action: "admin.refused", actorId: agentId } })).toBe(
      refusedBefore + 1,
    );
  });
});

describe("sign-in audit events", () => {
  const events = (action: string, ip: string) =>
    db().auditEvent.findMany({ where: { action, ip }, orderBy: { id: "asc" } });

  it("web: a success names the user, a failure the login typed, with the client address", async () => {
    const ip = "198.51.100.21";
    expect(
      (await verifyCredentials({ email: "Agent@Example.com", password: TEST_PASSWORD, remoteAddress: ip })).ok,
    ).toBe(true);
    expect((await verifyCredentials({ email: "agent@example.com", password: "wrong", remoteAddress: ip })).ok).toBe(
      false,
    );
    expect((await events("sign_in.success", ip)).map((e) => [e.actorId, e.subjectType, e.subjectId, e.after])).toEqual([
      [agentId, "user", String(agentId), { door: "web" }],
    ]);
    expect((await events("sign_in.failure", ip)).map((e) => [e.actorId, e.subjectType, e.subjectId, e.after])).toEqual([
      [null, "login", "agent@example.com", { door: "web" }],
    ]);
  });

  it("protocols: a password login, an app-password login (its id and scope), a failure; one event each", async () => {
    const ip = "198.51.100.22";
    const app = await createAppPassword({ userEmail: "agent@example.com", mailboxId: supportId, actorId: agentId });
    const imap = await verifyProtocolCredentials({
      login: "agent@example.com",
      password: TEST_PASSWORD,
      remoteAddress: ip,
      door: "imap",
    });
    const pop3 = await verifyProtocolCredentials({
      login: "support@example.com",
      password: app.secret,
      remoteAddress: ip,
      door: "pop3",
    });
    const smtp = await verifyProtocolCredentials({ login: "agent@example.com", password: "nope", remoteAddress: ip });
    expect([imap.ok, pop3.ok, smtp.ok]).toEqual([true, true, false]);
    expect((await events("sign_in.success", ip)).map((e) => [e.actorId, e.after])).toEqual([
      [agentId, { door: "imap" }],
    ]);
    expect(
      (await events("sign_in.app_password", ip)).map((e) => [e.actorId, e.subjectType, e.subjectId, e.after]),
    ).toEqual([
      [
        agentId,
        "app_password",
        String(app.info.id),
        { door: "pop3", login: "support@example.com", mailboxId: supportId },
      ],
    ]);
    expect((await events("sign_in.failure", ip)).map((e) => e.after)).toEqual([{ door: "smtp" }]);
  });

  it("an attempt refused by a lock is not checked and not audited one by one; the lock is", async () => {
    const ip = "198.51.100.23";
    for (let i = 0; i < 7; i++) {
      await verifyProtocolCredentials({
        login: "admin@example.com",
        password: `guess ${i}`,
        remoteAddress: ip,
        door: "imap",
      });
    }
    expect(await events("sign_in.failure", ip)).toHaveLength(5);
    expect(await events("sign_in.locked", ip)).toHaveLength(1);
  });
});

describe("admin.status.overview", () => {
  it("lists the running processes, sizes, the queue depth, mail per hour and recent errors", async () => {
    const heartbeat = await startHeartbeat(["web", "delivery"], { http: 3000 });
    logError("delivery: claim failed: connection refused (test)");
    await flushErrorLog();
    try {
      const health = await (await admin()).admin.status.overview();
      expect(health.nodes.map((n) => [n.id, n.roles, n.listeners, n.up])).toEqual([
        [heartbeat.id, ["web", "delivery"], { http: 3000 }, true],
      ]);
      expect(health.migrationsApplied).toBeGreaterThan(20);
      expect(health.storage.databaseBytes).toBeGreaterThan(1_000_000);
      expect(health.storage.blobBytes).toBeGreaterThan(0);
      const waiting = await db().deliveryJob.count({ where: { state: { in: ["queued", "deferred"] } } });
      expect(health.queue.jobs).toBe(waiting);
      expect(health.queue.oldest).toBeInstanceOf(Date);
      expect(health.mailPerHour).toHaveLength(24);
      expect(health.errors[0]).toMatchObject({
        source: "delivery",
        message: "claim failed: connection refused (test)",
      });
    } finally {
      await heartbeat.stop();
    }
  });

  it("counts mail received and sent per hour of the last 24", async () => {
    const now = new Date("2025-01-10T12:34:00Z");
    const at = (iso: string) => new Date(iso);
    for (const when of [
      "2025-01-10T11:05:00Z",
      "2025-01-10T11:59:59Z",
      "2025-01-10T12:00:00Z",
      "2025-01-09T13:00:00Z",
    ]) {
      await deliver(supportId, {}, { at: at(when) });
    }
    // Outside the 24 hours: the hour before the first one, and after now's hour.
    await deliver(supportId, {}, { at: at("2025-01-09T12:59:59Z") });
    await deliver(supportId, {}, { at: at("2025-01-10T13:00:00Z") });
    // Outbound copies are not "received".
    await deliver(supportId, {}, { at: at("2025-01-10T11:30:00Z"), direction: "outbound" });
    const sent = await enqueue("a@one.example", at("2025-01-10T10:00:00Z"));
    await db().deliveryJob.update({
      where: { id: sent },
      data: { state: "delivered", lastAttemptAt: at("2025-01-10T10:20:00Z") },
    });
    const hours = await mailPerHour(now);
    expect(hours).toHaveLength(24);
    expect(hours[0]?.hour.toISOString()).toBe("2025-01-09T13:00:00.000Z");
    expect(hours.at(-1)?.hour.toISOString()).toBe("2025-01-10T12:00:00.000Z");
    const counts = Object.fromEntries(
      hours.filter((h) => h.received || h.sent).map((h) => [h.hour.toISOString().slice(11, 13), [h.received, h.sent]]),
    );
    expect(counts).toEqual({ "13": [1, 0], "10": [0, 1], "11": [2, 0], "12": [1, 0] });
  });
});
