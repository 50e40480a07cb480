// GET /api/live over real HTTP against a running Yubin: the signed-in user's
// LiveEvents as Server-Sent Events, pushed from PostgreSQL NOTIFY within a
// second; a reconnect with Last-Event-ID (or ?after=) replays exactly the
// missed events; a long gap is a "reset"; another mailbox's events never
// reach a non-member; no session answers 401.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { openSseStream, type SseFrame, type SseStream } from "../support/sse-stream.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const SECRET = "live-sse-test-secret-0123456789abcdef0123";
let yubin: YubinProcess;
let memberId = 0;
let outsiderId = 0;
let supportId = 0;
let salesId = 0;

async function cookieFor(userId: number) {
  return `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`;
}

/** An open SSE connection; "within a second" is the default wait of next(). */
async function openStream(
  userId: number | null,
  options: { query?: string; lastEventId?: string } = {},
): Promise<SseStream> {
  const headers: Record<string, string> = {};
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  if (userId !== null) headers.cookie = await cookieFor(userId);
  const stream = await openSseStream(`${yubin.baseUrl}/api/live${options.query ?? ""}`, headers);
  const next = stream.next.bind(stream);
  return { ...stream, next: (predicate, timeoutMs = 1000, from) => next(predicate, timeoutMs, from) };
}

const live = (frame: SseFrame) => frame.event === "live";
const data = (frame: SseFrame) => JSON.parse(frame.data) as { id: number; mailboxId: number; conversationId: number };

beforeAll(async () => {
  yubin = await startYubinProcess({
    roles: "web",
    env: {
      DATABASE_URL: await useTestDatabase(),
      YUBIN_SESSION_SECRET: SECRET,
      YUBIN_ADMIN_EMAIL: "admin@example.com",
      YUBIN_ADMIN_PASSWORD: "live sse admin password",
    },
  });
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  supportId = support.id;
  memberId = await makeUser("member@example.com");
  outsiderId = await makeUser("seller@example.com");
  await db().membership.create({ data: { mailboxId: supportId, userId: memberId } });
  salesId = await makeSharedMailbox("sales@example.com", ["seller@example.com"]);
}, 120_000);

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("GET /api/live", () => {
  it("answers 401 without a session", async () => {
    const stream = await openStream(null);
    expect(stream.status).toBe(401);
    stream.close();
  });

  it("pushes new mail to members within a second, and nothing of it to non-members", async () => {
    const member = await openStream(memberId);
    const outsider = await openStream(outsiderId);
    expect(member.status).toBe(200);
    await member.next((f) => f.event === "ready");
    await outsider.next((f) => f.event === "ready");

    const started = Date.now();
    const stored = await deliver(supportId, { subject: "Live one" });
    const frame = await member.next(live, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(data(frame)).toMatchObject({
      mailboxId: supportId,
      conversationId: stored.conversationId,
      kind: "message.stored",
    });
    expect(frame.id).toBe(String(data(frame).id));

    // The outsider's own mailbox still reaches them; support's never did.
    const sales = await deliver(salesId, { subject: "For sales" });
    const salesFrame = await outsider.next(live, 1000);
    expect(data(salesFrame)).toMatchObject({ mailboxId: salesId, conversationId: sales.conversationId });
    expect(outsider.frames.filter(live).every((f) => data(f).mailboxId === salesId)).toBe(true);
    // A later event for the member comes after the sales event would have: once it is here, the
    // member's stream has had its chance to (wrongly) carry the sales mail.
    const fence = await deliver(supportId, { subject: "After sales" });
    await member.next((f) => live(f) && data(f).conversationId === fence.conversationId);
    expect(member.frames.filter(live).every((f) => data(f).mailboxId === supportId)).toBe(true);
    member.close();
    outsider.close();
  });

  it("replays exactly the missed events after a reconnect with Last-Event-ID, then continues live", async () => {
    const first = await openStream(memberId);
    await first.next((f) => f.event === "ready");
    await deliver(supportId, { subject: "Before the drop" });
    const seen = await first.next(live);
    first.close();

    const missed: Awaited<ReturnType<typeof deliver>>[] = [];
    for (let i = 0; i < 3; i++) missed.push(await deliver(supportId, { subject: `Missed ${i}` }));
    await deliver(salesId, { subject: "Not for the member" });

    const again = await openStream(memberId, { lastEventId: seen.id });
    await again.next((f) => live(f) && data(f).conversationId === missed[2]?.conversationId);
    const replayed = again.frames.filter(live);
    expect(replayed.map((f) => data(f).conversationId)).toEqual(missed.map((m) => m.conversationId));
    expect(replayed.map((f) => Number(f.id))).toEqual([...replayed.map((f) => Number(f.id))].sort((a, b) => a - b));

    const after = await deliver(supportId, { subject: "After the reconnect" });
    const next = await again.next((f) => live(f) && data(f).conversationId === after.conversationId);
    expect(again.frames.filter(live).indexOf(next)).toBe(3);
    again.close();

    // ?after= works alike (what the client uses after a refused connection).
    const viaQuery = await openStream(memberId, { query: `?after=${seen.id}` });
    await viaQuery.next((f) => live(f) && data(f).conversationId === after.conversationId);
    expect(viaQuery.frames.filter(live)).toHaveLength(4);
    viaQuery.close();
  });

  it("tells the browser to refetch when more than 500 events were missed", async () => {
    const latest = await db().liveEvent.aggregate({ _max: { id: true } });
    await db().liveEvent.createMany({
      data: Array.from({ length: 501 }, () => ({ mailboxId: supportId, conversationId: null, kind: "message.stored" })),
    });
    const stream = await openStream(memberId, { query: `?after=${latest._max.id ?? 0}` });
    const reset = await stream.next((f) => f.event === "reset", 2000);
    expect(stream.frames.filter(live)).toHaveLength(0);
    const newest = await db().liveEvent.aggregate({ _max: { id: true } });
    expect(reset.id).toBe(String(newest._max.id));
    stream.close();
  });
});
