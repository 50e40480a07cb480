// The browser's presence store and reporter, without a browser: who is shown
// (never yourself, one entry per person with their liveliest tab, gone and
// expired entries dropped), and what the tab reports, in order, over tRPC.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { initials } from "../../app/components/presence.tsx";
import { reporter, store } from "../../app/components/presence-store.ts";
import type { PresenceNotice } from "../../server/realtime/presence-events.ts";

const SELF = 1;
const entry = (over: Partial<PresenceNotice>): PresenceNotice => ({
  streamId: "00000000-0000-4000-8000-000000000000",
  userId: 2,
  name: "Bob Example",
  mailboxId: 1,
  conversationId: 10,
  state: "viewing",
  ttlMs: 45_000,
  ...over,
});

const calls: { procedure: string; input: Record<string, unknown>; keepalive: boolean }[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  calls.length = 0;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({
        procedure: url.replace("/api/trpc/", ""),
        input: JSON.parse(String(init.body)),
        keepalive: Boolean(init.keepalive),
      });
      return new Response("{}");
    }),
  );
});

afterEach(() => {
  reporter.leave(10);
  reporter.leave(11);
  store.disconnected();
  store.replaceAll([]);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Lets the reporter's queued requests run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("the presence store", () => {
  it("shows each other person once, liveliest tab first, and never yourself", () => {
    store.connected("11111111-1111-4111-8111-111111111111", SELF);
    store.replaceAll([
      entry({ streamId: "a", userId: SELF, name: "Me", state: "replying" }),
      entry({ streamId: "b", userId: 2, name: "Bob Example", state: "viewing" }),
      entry({ streamId: "c", userId: 2, name: "Bob Example", state: "replying" }),
      entry({ streamId: "d", userId: 3, name: "Ann Example", state: "viewing" }),
      entry({ streamId: "e", userId: 4, name: "Cy", state: "viewing", conversationId: 99 }),
    ]);
    expect(store.usersIn(10)).toEqual([
      { userId: 2, name: "Bob Example", state: "replying" },
      { userId: 3, name: "Ann Example", state: "viewing" },
    ]);
    // Unchanged for this conversation → the same array, so its rows do not re-render.
    const before = store.usersIn(10);
    store.apply(entry({ streamId: "f", userId: 5, conversationId: 99 }));
    expect(store.usersIn(10)).toBe(before);
    // Bob's typing tab leaves: his other tab still views.
    store.apply(entry({ streamId: "c", userId: 2, state: null }));
    expect(store.usersIn(10).map((u) => [u.userId, u.state])).toEqual([
      [3, "viewing"],
      [2, "viewing"],
    ]);
  });

  it("drops an entry nobody refreshed once its TTL has passed", async () => {
    store.connected("11111111-1111-4111-8111-111111111111", SELF);
    store.apply(entry({ streamId: "b", ttlMs: 1_000 }));
    expect(store.usersIn(10)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(store.usersIn(10)).toHaveLength(1); // a little slack for a heartbeat in flight
    await vi.advanceTimersByTimeAsync(6_000);
    expect(store.usersIn(10)).toEqual([]);
  });

  it("makes two-letter initials from names in any script", () => {
    expect(initials("Bob Example")).toBe("BE");
    expect(initials("佐藤 花子")).toBe("佐花");
    expect(initials("bob@example.com")).toBe("BE");
    expect(initials("madonna")).toBe("M");
    expect(initials("  ")).toBe("");
  });
});

describe("the reporter", () => {
  it("waits for the stream, then reports viewing, replying while text is held (however long), viewing, leaving", async () => {
    reporter.view(10);
    await settle();
    expect(calls).toEqual([]); // no stream yet: nothing to name the tab by
    const stream = "22222222-2222-4222-8222-222222222222";
    store.connected(stream, SELF);
    await settle();
    reporter.composingText("replying", true);
    reporter.composingText("replying", true); // more keys: no new request
    await settle();
    // A long pause with the text still there: the heartbeat says "replying" again, not "viewing".
    await vi.advanceTimersByTimeAsync(15_000);
    // A note begun meanwhile does not outrank the reply.
    reporter.composingText("noting", true);
    await settle();
    reporter.composingText("replying", false); // the reply emptied, sent or discarded: the note is left
    await settle();
    reporter.composingText("noting", false);
    await settle();
    reporter.leave(10);
    await settle();
    expect(calls.map((c) => [c.procedure, c.input.state ?? null])).toEqual([
      ["presence.report", "viewing"],
      ["presence.report", "replying"],
      ["presence.report", "replying"],
      ["presence.report", "noting"],
      ["presence.report", "viewing"],
      ["presence.leave", null],
    ]);
    expect(calls.every((c) => c.input.streamId === stream)).toBe(true);
    expect(calls.at(-1)?.input).toEqual({ streamId: stream, conversationId: 10 });
  });

  it("heartbeats while viewing, re-reports on a new stream, and leaves with keepalive when the page goes", async () => {
    store.connected("33333333-3333-4333-8333-333333333333", SELF);
    reporter.view(11);
    await settle();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls.filter((c) => c.procedure === "presence.report")).toHaveLength(2);
    // The stream dropped and came back with a new id: reported again at once.
    store.disconnected();
    store.connected("44444444-4444-4444-8444-444444444444", SELF);
    await settle();
    expect(calls.at(-1)?.input).toMatchObject({ streamId: "44444444-4444-4444-8444-444444444444", conversationId: 11 });
    reporter.pageHidden();
    await settle();
    expect(calls.at(-1)).toEqual({
      procedure: "presence.leave",
      input: { streamId: "44444444-4444-4444-8444-444444444444", conversationId: 11 },
      keepalive: true,
    });
  });
});
