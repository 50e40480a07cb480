// Presence over real HTTP against two Yubin web processes sharing one
// database: a stream on one process hears who views or types in a
// conversation reported through the other, within a second, and only when
// the conversation's mailbox is one of the listener's; a report on another
// mailbox's conversation is NOT_FOUND; a stream's end and an expired
// heartbeat clear presence; a (re)connecting stream gets a snapshot.
import http from "node:http";
import { encode } from "next-auth/jwt";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import type { PresenceNotice } from "../../server/realtime/presence-events.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { openSseStream, type SseFrame, type SseStream } from "../support/sse-stream.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const SECRET = "presence-sse-test-secret-0123456789abcdef";
let one: YubinProcess;
let two: YubinProcess;
let annId = 0; // member of support
let benId = 0; // member of support
let selmaId = 0; // member of sales only
let supportConversation = 0;
let otherSupportConversation = 0;
let salesConversation = 0;
const streams: SseStream[] = [];

async function cookieFor(userId: number) {
  return `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`;
}

async function open(yubin: YubinProcess, userId: number): Promise<SseStream & { streamId: string }> {
  const stream = await openSseStream(`${yubin.baseUrl}/api/live`, { cookie: await cookieFor(userId) });
  streams.push(stream);
  expect(stream.status).toBe(200);
  const ready = JSON.parse((await stream.next((f) => f.event === "ready")).data) as { stream: string; userId: number };
  expect(ready.userId).toBe(userId);
  expect(ready.stream).toMatch(/^[0-9a-f-]{36}$/);
  return Object.assign(stream, { streamId: ready.stream });
}

/** A tRPC mutation as the browser sends it: JSON, from this site's origin, with the session cookie. */
async function mutate(
  yubin: YubinProcess,
  userId: number | null,
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { error?: { data?: { code?: string } } } }> {
  const all: Record<string, string> = { "content-type": "application/json", origin: yubin.baseUrl, ...headers };
  if (userId !== null) all.cookie = await cookieFor(userId);
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${yubin.baseUrl}/api/trpc/${procedure}`,
      { method: "POST", headers: all },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          let body = {};
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: the status says enough.
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(input));
  });
}

const report = (yubin: YubinProcess, userId: number, input: Record<string, unknown>) =>
  mutate(yubin, userId, "presence.report", input);

const presence = (f: SseFrame) => f.event === "presence";
const notice = (f: SseFrame) => JSON.parse(f.data) as PresenceNotice;
const about = (userId: number, conversationId: number, state: string | null) => (f: SseFrame) =>
  presence(f) &&
  notice(f).userId === userId &&
  notice(f).conversationId === conversationId &&
  notice(f).state === state;
const snapshotOf = (f: SseFrame) => (JSON.parse(f.data) as { entries: PresenceNotice[] }).entries;

let counter = 0;
async function conversationIn(mailboxId: number, subject: string) {
  const raw = await new MailComposer({
    from: "customer@customer.example",
    to: "x@example.com",
    subject,
    text: "hello",
    messageId: `<presence-${++counter}-${Date.now()}@customer.example>`,
  })
    .compile()
    .build();
  const [stored] = await storeMessage({ raw, mailboxIds: [mailboxId], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("not stored");
  return stored.conversationId;
}

beforeAll(async () => {
  const env = {
    DATABASE_URL: await useTestDatabase(),
    YUBIN_SESSION_SECRET: SECRET,
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: "presence sse admin password",
  };
  // Two web processes on one database, as behind a load balancer.
  one = await startYubinProcess({ roles: "web", env });
  two = await startYubinProcess({ roles: "web", env });
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  annId = (
    await createUser({ email: "ann@example.com", name: "Ann Example", password: "ann password 1", actorId: null })
  ).user.id;
  benId = (
    await createUser({
      email: "ben@example.com",
      name: "Ben <b>Example</b>",
      password: "ben password 1",
      actorId: null,
    })
  ).user.id;
  selmaId = (
    await createUser({ email: "selma@example.com", name: "Selma", password: "selma password 1", actorId: null })
  ).user.id;
  await db().membership.createMany({
    data: [
      { mailboxId: support.id, userId: annId },
      { mailboxId: support.id, userId: benId },
    ],
  });
  const sales = await createMailbox({
    address: "sales@example.com",
    kind: "shared",
    memberEmails: ["selma@example.com"],
    actorId: null,
  });
  supportConversation = await conversationIn(support.id, "Presence one");
  otherSupportConversation = await conversationIn(support.id, "Presence two");
  salesConversation = await conversationIn(sales.id, "For sales only");
}, 180_000);

// A test that failed half-way must not leave its streams (and their rows) to the next.
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await expect.poll(() => db().presence.count(), { timeout: 10_000 }).toBe(0);
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await one?.stop();
  await two?.stop();
  await disconnectDb();
});

describe("presence.report", () => {
  it("answers NOT_FOUND alike for another mailbox's conversation and a missing one, and refuses bad input", async () => {
    const ben = await open(one, benId);
    const foreign = await report(one, benId, {
      conversationId: salesConversation,
      streamId: ben.streamId,
      state: "viewing",
    });
    const missing = await report(one, benId, {
      conversationId: 2_000_000_000,
      streamId: ben.streamId,
      state: "viewing",
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error?.data?.code).toBe("NOT_FOUND");
    expect(missing.status).toBe(404);
    expect(missing.body.error?.data?.code).toBe("NOT_FOUND");

    const base = { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" };
    expect((await report(one, benId, { ...base, state: "lurking" })).status).toBe(400);
    expect((await report(one, benId, { ...base, streamId: "not-a-uuid" })).status).toBe(400);
    // An id beyond int4 is simply not found (the shared id schema, server/access/database-id.ts).
    expect((await report(one, benId, { ...base, conversationId: 2 ** 40 })).status).toBe(404);
    expect((await mutate(one, null, "presence.report", base)).status).toBe(401);
    // The CSRF guard covers it like every mutation: another site's origin, or a form post.
    expect((await mutate(one, benId, "presence.report", base, { origin: "https://evil.example" })).status).toBe(403);
    expect((await mutate(one, benId, "presence.report", base, { "content-type": "text/plain" })).status).toBe(403);
    // None of the refused reports left a row.
    expect(await db().presence.count({ where: { streamId: ben.streamId } })).toBe(0);
    ben.close();
  });
});

describe("presence over the live stream", () => {
  it("reaches a member on another web process within a second, never a non-member; typing and leaving too", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    const selma = await open(two, selmaId);

    const started = Date.now();
    expect(
      (await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" }))
        .status,
    ).toBe(200);
    const seen = notice(await ann.next(about(benId, supportConversation, "viewing"), 2000));
    const latency = Date.now() - started;
    console.log(`presence: report on process 1 → event on process 2 in ${latency} ms`);
    expect(seen).toEqual({
      streamId: ben.streamId,
      userId: benId,
      name: "Ben <b>Example</b>",
      mailboxId: expect.any(Number),
      conversationId: supportConversation,
      state: "viewing",
      ttlMs: 45_000,
    });

    // Typing and back, 20 times: the figure for docs (logged, not asserted — the machine is shared).
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const state = i % 2 === 0 ? "replying" : "viewing";
      const mark = ann.frames.length;
      const sent = Date.now();
      await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state });
      await ann.next(about(benId, supportConversation, state), 2000, mark);
      latencies.push(Date.now() - sent);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `presence: report → other process's stream, 20 runs: p50 ${latencies[9]} ms, p95 ${latencies[18]} ms, max ${latencies[19]} ms`,
    );
    let mark = ann.frames.length;
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "replying" });
    await ann.next(about(benId, supportConversation, "replying"), 2000, mark);
    mark = ann.frames.length;
    expect(
      (await mutate(one, benId, "presence.leave", { streamId: ben.streamId, conversationId: supportConversation }))
        .status,
    ).toBe(200);
    await ann.next(about(benId, supportConversation, null), 2000, mark);
    expect(await db().presence.count({ where: { streamId: ben.streamId } })).toBe(0);

    // Selma hears of her own mailbox's presence, so her stream works — but never of support's.
    await report(two, selmaId, { conversationId: salesConversation, streamId: selma.streamId, state: "viewing" });
    await selma.next(about(selmaId, salesConversation, "viewing"));
    // Later notices each of them must get come after a wrongly routed one would have: Ben in
    // support for Ann, then Selma's own change for her (both streams are on the same process).
    let fence = ann.frames.length;
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "noting" });
    await ann.next(about(benId, supportConversation, "noting"), 2000, fence);
    fence = selma.frames.length;
    await report(two, selmaId, { conversationId: salesConversation, streamId: selma.streamId, state: "replying" });
    await selma.next(about(selmaId, salesConversation, "replying"), 2000, fence);
    expect(selma.frames.filter(presence).every((f) => notice(f).conversationId === salesConversation)).toBe(true);
    expect(ann.frames.filter(presence).every((f) => notice(f).conversationId !== salesConversation)).toBe(true);
    ben.close();
    ann.close();
    selma.close();
  });

  it("announces a repeated report once; a heartbeat after the repeat window and a change go out", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    const input = { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" };
    const mark = ann.frames.length;
    for (let i = 0; i < 15; i++) expect((await report(one, benId, input)).status).toBe(200);
    await ann.next(about(benId, supportConversation, "viewing"), 2000, mark);
    // A change right after is announced at once, so nothing later is queued behind the repeats.
    await report(one, benId, { ...input, state: "replying" });
    await ann.next(about(benId, supportConversation, "replying"), 2000, mark);
    const announced = ann.frames.slice(mark).filter((f) => presence(f) && notice(f).userId === benId);
    expect(announced.map((f) => notice(f).state)).toEqual(["viewing", "replying"]);

    // The last write was long ago (as a heartbeat finds it): the same report refreshes and announces.
    await db().presence.update({
      where: { streamId: ben.streamId },
      data: { expiresAt: new Date(Date.now() + 20_000) },
    });
    const before = ann.frames.length;
    await report(one, benId, { ...input, state: "replying" });
    await ann.next(about(benId, supportConversation, "replying"), 2000, before);
    const row = await db().presence.findUniqueOrThrow({ where: { streamId: ben.streamId } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 40_000);
    ben.close();
    ann.close();
  });

  it("moving to another conversation tells the first one's watchers that the tab left", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" });
    await ann.next(about(benId, supportConversation, "viewing"));
    const mark = ann.frames.length;
    await report(one, benId, { conversationId: otherSupportConversation, streamId: ben.streamId, state: "viewing" });
    await ann.next(about(benId, supportConversation, null), 2000, mark);
    await ann.next(about(benId, otherSupportConversation, "viewing"), 2000, mark);
    expect(
      await db().presence.findMany({ where: { streamId: ben.streamId }, select: { conversationId: true } }),
    ).toEqual([{ conversationId: otherSupportConversation }]);
    ben.close();
    ann.close();
  });

  it("keeps a stream id to its user: another member can neither take it over nor clear it", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" });
    await ann.next(about(benId, supportConversation, "viewing"));
    await ben.next(about(benId, supportConversation, "viewing"));
    const mark = ben.frames.length;
    // Ann quotes Ben's stream id: nothing changes, and no notice claims Ann is there.
    expect(
      (
        await report(two, annId, {
          conversationId: otherSupportConversation,
          streamId: ben.streamId,
          state: "replying",
        })
      ).status,
    ).toBe(200);
    expect((await mutate(two, annId, "presence.leave", { streamId: ben.streamId, conversationId: null })).status).toBe(
      200,
    );
    expect(await db().presence.findUniqueOrThrow({ where: { streamId: ben.streamId } })).toMatchObject({
      userId: benId,
      conversationId: supportConversation,
      state: "viewing",
    });
    // A notice of Ann's own comes after any the two requests could have caused: once Ben has it, none came.
    await report(two, annId, { conversationId: otherSupportConversation, streamId: ann.streamId, state: "viewing" });
    const fence = await ben.next(about(annId, otherSupportConversation, "viewing"), 2000, mark);
    expect(ben.frames.slice(mark).filter((f) => presence(f) && f !== fence)).toEqual([]);
    ben.close();
    ann.close();
  });

  it("clears a tab's presence when its stream ends", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "noting" });
    await ann.next(about(benId, supportConversation, "noting"));
    const mark = ann.frames.length;
    ben.close(); // the tab closed, or its network went
    await ann.next(about(benId, supportConversation, null), 5000, mark);
    expect(await db().presence.count({ where: { streamId: ben.streamId } })).toBe(0);
    ann.close();
  });

  it("sends a snapshot of the user's mailboxes on (re)connect, and nothing of others'", async () => {
    // The streams of the tests before have ended, and their rows with them.
    await expect.poll(() => db().presence.count(), { timeout: 5000 }).toBe(0);
    const ben = await open(one, benId);
    const selma = await open(one, selmaId);
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "replying" });
    await report(one, selmaId, { conversationId: salesConversation, streamId: selma.streamId, state: "viewing" });

    // Ann (re)connects to the other process, as after a dropped connection (Last-Event-ID resumes the feed).
    const first = await open(two, annId);
    const lastId = first.frames.find((f) => f.event === "ready")?.id ?? "0";
    first.close();
    const again = await openSseStream(`${two.baseUrl}/api/live`, {
      cookie: await cookieFor(annId),
      "last-event-id": lastId,
    });
    streams.push(again);
    const snapshot = snapshotOf(await again.next((f) => f.event === "presence-snapshot"));
    expect(snapshot).toEqual([
      expect.objectContaining({
        streamId: ben.streamId,
        userId: benId,
        conversationId: supportConversation,
        state: "replying",
      }),
    ]);
    expect(snapshot[0]?.ttlMs).toBeGreaterThan(30_000);
    expect(snapshot[0]?.ttlMs).toBeLessThanOrEqual(45_000);

    const selmaAgain = await open(two, selmaId);
    const hers = snapshotOf(await selmaAgain.next((f) => f.event === "presence-snapshot"));
    expect(hers.map((e) => e.conversationId)).toEqual([salesConversation]);
    ben.close();
    selma.close();
    again.close();
    selmaAgain.close();
  });

  it("resends a snapshot when a process's LISTEN connection was lost, so a change missed meanwhile still arrives", async () => {
    const ann = await open(two, annId);
    const ben = await open(one, benId);
    await ann.next((f) => f.event === "presence-snapshot");
    const mark = ann.frames.length;
    // Cut every LISTEN connection (both processes'): a NOTIFY sent now reaches nobody.
    const cut = await db().$queryRaw<{ pid: number }[]>`
      select pid from pg_stat_activity
      where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`;
    expect(cut.length).toBeGreaterThan(0);
    await db().$queryRaw`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`;
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "noting" });
    // The hub reconnects (after about a second) and the stream resends who is where.
    const resent = await ann.next((f) => f.event === "presence-snapshot", 10_000, mark);
    expect(snapshotOf(resent)).toEqual([
      expect.objectContaining({
        streamId: ben.streamId,
        userId: benId,
        conversationId: supportConversation,
        state: "noting",
      }),
    ]);
  });

  it("expires presence whose heartbeat stopped, telling the members", async () => {
    const ben = await open(one, benId);
    const ann = await open(two, annId);
    await report(one, benId, { conversationId: supportConversation, streamId: ben.streamId, state: "viewing" });
    await ann.next(about(benId, supportConversation, "viewing"));
    const mark = ann.frames.length;
    // As if Ben's tab had frozen 46 seconds ago while its stream stayed open.
    await db().presence.update({
      where: { streamId: ben.streamId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    // Expired rows are left out of snapshots at once, before any sweep.
    const late = await open(two, annId);
    const entries = snapshotOf(await late.next((f) => f.event === "presence-snapshot"));
    expect(entries.filter((e) => e.streamId === ben.streamId)).toEqual([]);
    // A sweeper (every 5 s in each process with streams) deletes it and says so.
    await ann.next(about(benId, supportConversation, null), 12_000, mark);
    expect(await db().presence.count({ where: { streamId: ben.streamId } })).toBe(0);
    ben.close();
    ann.close();
    late.close();
  });
});
