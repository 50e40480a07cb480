// The message trace's storage: the batched writer (one insert for many
// records, nothing lost when the database refuses for a while, a bad row
// not holding back the others), search by every filter with its input
// checked (a bounded time range, LIKE wildcards taken literally), and the
// retention purge run by the background housekeeping on a clock the test sets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHousekeeping } from "../../cli/roles/housekeeping.ts";
import { db } from "../../server/db.ts";
import { TRACE_MAX_SUBJECT } from "../../server/limits.ts";
import { insertTraces } from "../../server/trace/insert-traces.ts";
import { purgeTraces } from "../../server/trace/purge-traces.ts";
import { searchTraces } from "../../server/trace/search-traces.ts";
import type { TraceRecord } from "../../server/trace/trace-record.ts";
import { traceStory } from "../../server/trace/trace-story.ts";
import { createTraceWriter } from "../../server/trace/trace-writer.ts";
import { useTestDatabase } from "../support/database.ts";
import { waitFor } from "../support/wait.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// Fixed instants, not today's date: the searches name their range.
const T0 = new Date("2030-03-10T12:00:00Z");

let n = 0;
function record(over: Partial<TraceRecord> = {}): TraceRecord {
  n++;
  return {
    kind: "mx",
    result: "delivered",
    startedAt: new Date(T0.getTime() + n * 1000),
    endedAt: new Date(T0.getTime() + n * 1000 + 50),
    sessionId: `s${n}.1`,
    clientAddress: "192.0.2.10",
    helo: "mail.customer.example",
    mailFrom: `Sender${n}@Customer.Example`,
    recipients: [{ address: "support@example.com", code: 250, reply: "250 2.1.5 Accepted" }],
    reply: { code: 250, text: `250 2.0.0 Message accepted as s${n}.1` },
    messageIdHeader: `m${n}@customer.example`,
    subject: `Invoice ${n}`,
    steps: [{ at: 0, command: "MAIL FROM:<x@customer.example>", reply: "250 2.1.0 Accepted" }],
    ...over,
  };
}

const range = { since: new Date(T0.getTime() - DAY), until: new Date(T0.getTime() + DAY) };

beforeAll(async () => {
  await useTestDatabase();
});

afterAll(async () => {
  await db().$disconnect();
});

describe("the writer", () => {
  it("writes what it buffers in one insert per batch, after the flush interval", async () => {
    const batches: number[] = [];
    const counting = createTraceWriter<TraceRecord>({
      flushMs: 20,
      batch: 100,
      prepare: (r) => r,
      insert: async (records) => {
        batches.push(records.length);
        await insertTraces(records);
      },
    });
    for (let i = 0; i < 30; i++) counting.add(record({ subject: `batch-a ${i}` }));
    await waitFor("the batch", () => batches.length > 0);
    expect(batches).toEqual([30]);
    expect(await db().messageTrace.count({ where: { subject: { startsWith: "batch-a" } } })).toBe(30);
    // A full batch goes at once; the rest after the interval.
    for (let i = 0; i < 250; i++) counting.add(record({ subject: `batch-b ${i}` }));
    await counting.flush();
    expect(batches.slice(1)).toEqual([100, 100, 50]);
    expect(await db().messageTraceRecipient.count()).toBeGreaterThanOrEqual(280);
  });

  it("batches a steady stream: what comes in during a write waits for the next flush", async () => {
    // A busy MX finishes a record every few ms, as long as a write takes. Written at once, each
    // would be a transaction of its own; the writer must gather them for TRACE_FLUSH_MS instead.
    const batches: number[] = [];
    const writer = createTraceWriter<TraceRecord>({
      flushMs: 40,
      batch: 500,
      prepare: (r) => r,
      insert: async (records) => {
        batches.push(records.length);
        await new Promise((r) => setTimeout(r, 8));
      },
    });
    let added = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        writer.add(record({ subject: `stream ${added++}` }));
        if (added === 200) {
          clearInterval(tick);
          resolve();
        }
      }, 2);
    });
    await writer.flush();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
    // At least 200 × 2 ms = 400 ms of adds, a write per 40 + 8 ms at most: about 9 writes.
    // Writing what arrived during each write at once made it one per 8 ms write: 50 and more.
    expect(batches.length).toBeLessThanOrEqual(15);
    expect(Math.max(...batches)).toBeGreaterThanOrEqual(10);
  });

  it("keeps records while the database refuses them, and writes them once it takes them", async () => {
    let down = true;
    const written: TraceRecord[] = [];
    const writer = createTraceWriter<TraceRecord>({
      flushMs: 5,
      log: () => {},
      prepare: (r) => r,
      insert: async (records) => {
        if (down) throw new Error("connection refused");
        written.push(...records);
      },
    });
    for (let i = 0; i < 5; i++) writer.add(record());
    await new Promise((r) => setTimeout(r, 60));
    expect(written).toHaveLength(0);
    expect(writer.buffered()).toBe(5);
    down = false;
    await writer.flush();
    expect(written).toHaveLength(5);
    expect(writer.buffered()).toBe(0);
  });

  it("drops only the row the database refuses, not its batch", async () => {
    const written: string[] = [];
    const writer = createTraceWriter<TraceRecord>({
      flushMs: 1,
      log: () => {},
      prepare: (r) => r,
      insert: async (records) => {
        if (records.some((r) => r.sessionId === "poison")) throw new Error("bad row");
        written.push(...records.map((r) => r.sessionId));
      },
    });
    writer.add(record({ sessionId: "a" }));
    writer.add(record({ sessionId: "poison" }));
    writer.add(record({ sessionId: "b" }));
    await waitFor("the good rows", () => written.length === 2);
    expect(written).toEqual(["a", "b"]);
    expect(writer.buffered()).toBe(0);
  });

  it("stores hostile text as text: NUL, lone surrogates, overlong values", async () => {
    const writer = createTraceWriter({ flushMs: 1 });
    writer.add(
      record({
        sessionId: "hostile",
        subject: `a\u0000b\uD800c${"x".repeat(5000)}`,
        helo: "evil\u0000.example",
        recipients: [{ address: "<Bob\u0000@Example.COM>", code: 550, reply: "550 5.1.1 No such user here" }],
      }),
    );
    // The widest characters UTF-8 has (4 bytes each): the subject still fits the time index's tuples.
    writer.add(record({ sessionId: "wide", subject: "𩸽".repeat(5000) }));
    await writer.flush();
    const row = await db().messageTrace.findFirstOrThrow({ where: { sessionId: "hostile" } });
    expect(row.subject?.startsWith("a\uFFFDb\uFFFDc")).toBe(true);
    expect(row.subject?.length).toBe(TRACE_MAX_SUBJECT);
    expect(row.helo).toBe("evil\uFFFD.example");
    expect(row.recipients).toEqual(["bob\uFFFD@example.com"]);
    const wide = await db().messageTrace.findFirstOrThrow({ where: { sessionId: "wide" } });
    expect(wide.subject?.endsWith("…")).toBe(true);
    expect([...(wide.subject ?? "")].length).toBeLessThanOrEqual(TRACE_MAX_SUBJECT);
    expect(wide.subject?.startsWith("𩸽𩸽")).toBe(true);
  });
});

describe("search", () => {
  let ids: Record<string, number>;
  beforeAll(async () => {
    const writer = createTraceWriter({ flushMs: 1 });
    const at = (h: number) => new Date(T0.getTime() + h * HOUR);
    const cases: Record<string, Partial<TraceRecord>> = {
      full: {
        startedAt: at(-2),
        result: "deferred",
        mailFrom: "Customer@Shop.Example",
        recipients: [{ address: "full@example.com", code: 452, reply: "452 4.2.2 Mailbox full, try again later" }],
        reply: { code: 452, text: "452 4.2.2 Mailbox full, try again later" },
        messageIdHeader: null,
        subject: null,
        clientAddress: "203.0.113.7",
      },
      percent: { startedAt: at(-3), subject: "100% off_sale", mailFrom: "promo@shop.example" },
      other: { startedAt: at(-4), subject: "1000 off sale", mailFrom: "promo@shop.example" },
      old: { startedAt: at(-24 * 40), subject: "Long ago", mailFrom: "customer@shop.example" },
      japanese: { startedAt: at(-5), subject: "請求書の再発行について", mailFrom: "tanaka@shop.example" },
    };
    for (const [name, over] of Object.entries(cases)) writer.add(record({ ...over, sessionId: `search-${name}` }));
    await writer.flush();
    const rows = await db().messageTrace.findMany({ where: { sessionId: { startsWith: "search-" } } });
    ids = Object.fromEntries(rows.map((r) => [r.sessionId.slice("search-".length), Number(r.id)]));
  });

  const found = async (query: Parameters<typeof searchTraces>[0]) =>
    (await searchTraces(query)).items.map((i) => i.id).filter((id) => Object.values(ids).includes(id));

  it("finds by sender (any case), recipient, Message-ID, client address, subject and result", async () => {
    expect(await found({ ...range, sender: "customer@SHOP.example" })).toEqual([ids.full]);
    expect(await found({ ...range, recipient: "<Full@Example.com>" })).toEqual([ids.full]);
    expect(await found({ ...range, clientAddress: "203.0.113.7" })).toEqual([ids.full]);
    expect(await found({ ...range, result: "deferred" })).toEqual([ids.full]);
    expect(await found({ ...range, subject: "請求書" })).toEqual([ids.japanese]);
    expect(await found({ ...range, subject: "再発行" })).toEqual([ids.japanese]);
    expect((await searchTraces({ ...range, messageId: "<nothing@none.example>" })).items).toEqual([]);
    const [story] = (await searchTraces({ ...range, sender: "tanaka@shop.example" })).items;
    expect(story?.subject).toBe("請求書の再発行について");
    expect(await found({ ...range, messageId: `<${story?.messageIdHeader}>` })).toEqual([ids.japanese]);
  });

  it("takes LIKE wildcards literally", async () => {
    expect(await found({ ...range, subject: "100%" })).toEqual([ids.percent]);
    expect(await found({ ...range, subject: "off_sale" })).toEqual([ids.percent]);
    expect(await found({ ...range, subject: "%" })).toEqual([ids.percent]);
    expect(await found({ ...range, subject: "_" })).toEqual([ids.percent]);
    expect(await found({ ...range, subject: "\\" })).toEqual([]);
  });

  it("one term finds sender, recipient or Message-ID; an IP the client; a word the subject", async () => {
    expect(await found({ ...range, any: "customer@shop.example" })).toEqual([ids.full]);
    expect(await found({ ...range, any: "full@example.com" })).toEqual([ids.full]);
    expect(await found({ ...range, any: "203.0.113.7" })).toEqual([ids.full]);
    expect(await found({ ...range, any: "off" })).toEqual([ids.percent, ids.other]);
  });

  it("stays inside the time range, and refuses one over 31 days, reversed or invalid", async () => {
    expect(await found({ ...range, sender: "customer@shop.example" })).not.toContain(ids.old);
    const wide = { since: new Date(T0.getTime() - 45 * DAY), until: new Date(T0.getTime() - 20 * DAY) };
    expect(await found({ ...wide, sender: "customer@shop.example" })).toEqual([ids.old]);
    await expect(searchTraces({ since: new Date(T0.getTime() - 32 * DAY), until: T0 })).rejects.toThrow(
      "The time range may span at most 31 days.",
    );
    await expect(searchTraces({ since: T0, until: T0 })).rejects.toThrow(/ends before it starts/);
    await expect(searchTraces({ since: new Date("x"), until: T0 })).rejects.toThrow(/not valid/);
    const far = new Date("+200000-01-01T00:00:00Z");
    await expect(searchTraces({ since: new Date(far.getTime() - 3600_000), until: far })).rejects.toThrow(/not valid/);
    await expect(searchTraces({ ...range, clientAddress: "not-an-ip" })).rejects.toThrow(/IP address/);
    await expect(searchTraces({ ...range, sender: "a b@c" })).rejects.toThrow(/not an email address/);
  });

  it("pages newest first with a cursor", async () => {
    const first = await searchTraces({ ...range, sender: "promo@shop.example", limit: 1 });
    expect(first.items.map((i) => i.id)).toEqual([ids.percent]);
    const second = await searchTraces({
      ...range,
      sender: "promo@shop.example",
      limit: 1,
      after: first.nextCursor ?? undefined,
    });
    expect(second.items.map((i) => i.id)).toEqual([ids.other]);
  });

  it("tells the story of a refusal in plain words", async () => {
    const story = await traceStory(ids.full as number);
    expect(story?.trace.result).toBe("deferred");
    const refused = story?.entries.find((e) => e.key === "rcptRefused");
    expect(refused).toMatchObject({ params: { address: "full@example.com" }, why: "mailboxFull" });
    expect(await traceStory(999_999_999)).toBeNull();
  });
});

describe("retention", () => {
  it("purges traces older than the window, with their recipient rows, and keeps the rest", async () => {
    const writer = createTraceWriter({ flushMs: 1 });
    const now = new Date("2031-06-01T00:00:00Z");
    writer.add(record({ sessionId: "purge-old", startedAt: new Date(now.getTime() - 31 * DAY) }));
    writer.add(record({ sessionId: "purge-edge", startedAt: new Date(now.getTime() - 30 * DAY + 1000) }));
    writer.add(record({ sessionId: "purge-new", startedAt: new Date(now.getTime() - DAY) }));
    await writer.flush();
    const old = await db().messageTrace.findFirstOrThrow({ where: { sessionId: "purge-old" } });
    const before = await db().messageTrace.count();
    expect(await purgeTraces({ now, retentionDays: 30, batch: 1 })).toBeGreaterThanOrEqual(1);
    const left = await db().messageTrace.findMany({ where: { sessionId: { startsWith: "purge-" } } });
    expect(left.map((r) => r.sessionId).sort()).toEqual(["purge-edge", "purge-new"]);
    expect(await db().messageTraceRecipient.count({ where: { traceId: old.id } })).toBe(0);
    expect(await db().messageTrace.count()).toBeLessThan(before);
  });

  it("runs in the background housekeeping, on the clock it is given", async () => {
    const writer = createTraceWriter({ flushMs: 1 });
    const clock = new Date("2040-01-01T00:00:00Z");
    writer.add(record({ sessionId: "hk-old", startedAt: new Date(clock.getTime() - 40 * DAY) }));
    writer.add(record({ sessionId: "hk-new", startedAt: new Date(clock.getTime() - 2 * DAY) }));
    await writer.flush();
    const lines: string[] = [];
    const housekeeping = startHousekeeping(
      (line) => lines.push(line),
      20,
      () => clock,
    );
    try {
      await waitFor("the purge", async () => (await db().messageTrace.count({ where: { sessionId: "hk-old" } })) === 0);
    } finally {
      await housekeeping.stop();
    }
    expect(await db().messageTrace.count({ where: { sessionId: "hk-new" } })).toBe(1);
    expect(lines.some((l) => /^trace purge: \d+ trace\(s\) past the retention window deleted$/.test(l))).toBe(true);
  });
});
