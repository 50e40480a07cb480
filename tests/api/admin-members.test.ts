// Shared-mailbox membership through admin.members.*: adding members with
// their approval roles and removing them, audited, validated with reasons;
// a removed member loses the mailbox at once — in every procedure, for
// protocol sessions, and in their live stream (SSE), which re-reads access
// when the change commits instead of at its 30-second refresh. Disabling a
// user ends their open live stream the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxesForLogin } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { changeMembers } from "../../server/mailboxes/change-members.ts";
import { liveStream } from "../../server/realtime/live-stream.ts";
import { findActiveUser } from "../../server/users/find-active-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { type SseFrame, SseFrames } from "../support/sse-stream.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "admin-members-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
let adminId = 0;

/** The user's live stream, as GET /api/live serves it, read frame by frame. */
function openLive(userId: number) {
  const abort = new AbortController();
  const parsed = new SseFrames();
  let ended = false;
  const stream = liveStream({
    userId,
    after: null,
    signal: abort.signal,
    sessionValid: async () => {
      const user = await db().user.findUnique({ where: { id: userId } });
      return !!user && (await findActiveUser(userId, user.sessionVersion)) !== null;
    },
  });
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      parsed.push(decoder.decode(value, { stream: true }));
    }
    ended = true;
  })();
  return {
    frames: parsed.frames,
    get ended() {
      return ended;
    },
    done,
    next: (predicate: (f: SseFrame) => boolean, ms = 10_000) => parsed.next(predicate, ms),
    close: () => abort.abort(),
  };
}

const liveIn = (mailboxId: number) => (f: SseFrame) =>
  f.event === "live" && (JSON.parse(f.data) as { mailboxId: number }).mailboxId === mailboxId;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { admin: true });
});

afterAll(async () => {
  await disconnectDb();
});

describe("admin.members", () => {
  it("adds members with their approval roles and removes them, audited", async () => {
    const admin = await callerFor(adminId);
    await makeUser("ann@example.com");
    await makeUser("ben@example.com");
    const sales = await makeSharedMailbox("sales@example.com", ["ann@example.com"]);
    const result = await admin.admin.members.change({
      mailboxId: sales,
      add: [{ email: "Ben@Example.com", needsApproval: true, reviewer: false }],
    });
    expect(result).toEqual({
      address: "sales@example.com",
      added: ["ben@example.com"],
      removed: [],
      members: ["ann@example.com", "ben@example.com"],
    });
    expect(
      (await admin.admin.members.list({ mailboxId: sales })).map((m) => [m.email, m.needsApproval, m.reviewer]),
    ).toEqual([
      ["ann@example.com", false, false],
      ["ben@example.com", true, false],
    ]);
    await admin.admin.members.change({ mailboxId: sales, remove: ["ann@example.com"] });
    expect((await admin.admin.members.list({ mailboxId: sales })).map((m) => m.email)).toEqual(["ben@example.com"]);
    const events = await db().auditEvent.findMany({
      where: { action: "mailbox.members", subjectId: String(sales) },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.after)).toEqual([
      { added: [{ email: "ben@example.com", needsApproval: true, reviewer: false }], removed: [] },
      { added: [], removed: ["ann@example.com"] },
    ]);
  });

  it("refuses with a reason: no change, unknown user, not a member, already one, a personal mailbox", async () => {
    const admin = await callerFor(adminId);
    await makeUser("cai@example.com");
    const box = await makeSharedMailbox("ops@example.com", ["cai@example.com"]);
    const personal = await db().mailbox.findUniqueOrThrow({ where: { address: "cai@example.com" } });
    const reason = async (input: Parameters<typeof admin.admin.members.change>[0]) =>
      (await trpcError(admin.admin.members.change(input))).message;
    expect(await reason({ mailboxId: box })).toBe("Name at least one member to add or remove.");
    expect(await reason({ mailboxId: box, add: [{ email: "ghost@example.com" }] })).toBe("no user ghost@example.com");
    expect(await reason({ mailboxId: box, remove: ["admin@example.com"] })).toBe(
      "admin@example.com is not a member of ops@example.com",
    );
    expect(await reason({ mailboxId: box, add: [{ email: "cai@example.com" }] })).toBe(
      "cai@example.com is already a member of ops@example.com",
    );
    expect(await reason({ mailboxId: personal.id, add: [{ email: "admin@example.com" }] })).toMatch(
      /^A personal mailbox belongs to its owner/,
    );
    expect(await reason({ mailboxId: 2_000_000_000, remove: ["cai@example.com"] })).toBe("No such mailbox.");
    // Nothing changed, nothing audited.
    expect(await db().auditEvent.count({ where: { action: "mailbox.members", subjectId: String(box) } })).toBe(0);
  });

  it("a removed member loses the mailbox at once: procedures, protocol sessions and the live stream", async () => {
    const admin = await callerFor(adminId);
    const danId = await makeUser("dan@example.com");
    const own = (await db().mailbox.findUniqueOrThrow({ where: { address: "dan@example.com" } })).id;
    const legal = await makeSharedMailbox("legal@example.com", ["dan@example.com"]);
    const { conversationId } = await deliver(legal, { to: "legal@example.com", subject: "Before" });
    const dan = await callerFor(danId);
    expect((await dan.conversations.get({ conversationId })).subject).toBe("Before");

    const live = openLive(danId);
    try {
      await live.next((f) => f.event === "ready");
      await deliver(legal, { to: "legal@example.com", subject: "Seen live" });
      await live.next(liveIn(legal));

      await admin.admin.members.change({ mailboxId: legal, remove: ["dan@example.com"] });
      // Mail into the mailbox just left, then into one Dan keeps: the second event proves
      // the stream has moved past the first, which must not have been sent.
      await deliver(legal, { to: "legal@example.com", subject: "After" });
      await deliver(own, { to: "dan@example.com", subject: "Still mine" });
      const reset = await live.next((f) => f.event === "reset");
      expect(JSON.parse(reset.data)).toEqual({ reason: "access changed" });
      const later = await live.next(liveIn(own));
      const legalEvents = live.frames.filter(liveIn(legal));
      expect(legalEvents).toHaveLength(1);
      expect(live.frames.indexOf(reset)).toBeLessThan(live.frames.indexOf(later));
    } finally {
      live.close();
    }
    expect((await trpcError((await callerFor(danId)).conversations.get({ conversationId }))).code).toBe("NOT_FOUND");
    expect((await trpcError((await callerFor(danId)).mailbox.get({ mailboxId: legal }))).code).toBe("NOT_FOUND");
    expect((await mailboxesForLogin({ user: { id: danId }, mailboxId: null })).map((m) => m.address)).toEqual([
      "dan@example.com",
    ]);
  });

  it("disabling a user ends their open live stream", async () => {
    const admin = await callerFor(adminId);
    const eveId = await makeUser("eve@example.com");
    const live = openLive(eveId);
    await live.next((f) => f.event === "ready");
    await admin.admin.users.setDisabled({ userId: eveId, disabled: true });
    const ended = await live.next((f) => f.event === "ended");
    expect(JSON.parse(ended.data)).toEqual({ reason: "session ended" });
    await live.done;
    expect(live.ended).toBe(true);
  });

  it("the CLI's domain function takes the mailbox by address", async () => {
    await makeUser("fay@example.com");
    await makeSharedMailbox("desk@example.com", []);
    const result = await changeMembers({
      mailbox: { address: "Desk@Example.com" },
      add: [{ email: "fay@example.com", reviewer: true }],
      actorId: null,
    });
    expect(result.members).toEqual(["fay@example.com"]);
  });
});
