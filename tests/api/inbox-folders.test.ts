// The inbox folders, filters, sorts and keyset paging (each sort page by page
// must give exactly the order computed from the rows), the folder counts, and
// round-robin assignment of new inbound conversations, in turn among available
// members, also when deliveries arrive at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxScope } from "../../server/access/gate.ts";
import { type InboxFilter, listInbox } from "../../server/conversations/inbox-folders.ts";
import type { InboxConversation } from "../../server/conversations/inbox-rows.ts";
import { sql, sqlTransaction } from "../../server/db/raw-sql.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller } from "../support/trpc-caller.ts";

const SECRET = "workflow-inbox-test-secret-0123456789";
const HOUR = 3600_000;
const BASE = Date.UTC(2026, 5, 1);

let adminId = 0;
let annId = 0;
let bobId = 0;
let carolId = 0;
let supportId = 0;
let salesId = 0;
let rrId = 0;
const conv: Record<string, number> = {};

const callerFor = sessionCaller(SECRET);

/** Every page of a listing over the user's mailboxes (or the one named), `limit` at a time. */
async function allPages(
  userId: number,
  { mailboxId, ...filter }: InboxFilter & { mailboxId?: number },
  limit: number,
): Promise<InboxConversation[]> {
  const items: InboxConversation[] = [];
  const mailboxIds = await mailboxScope({ userId, mailboxId });
  if (!mailboxIds) throw new Error(`user ${userId} may not see mailbox ${mailboxId}`);
  let after: { lastMessageAt: Date; id: number } | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listInbox({ userId, mailboxIds, filter, after, limit });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    after = page.nextCursor;
  }
  throw new Error("paging did not end");
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { name: "Admin", admin: true });
  annId = await makeUser("ann@example.com", { name: "Ann" });
  bobId = await makeUser("bob@example.com", { name: "Bob" });
  carolId = await makeUser("carol@example.com", { name: "Carol" });
  const members = ["ann@example.com", "bob@example.com", "carol@example.com"];
  supportId = await makeSharedMailbox("support@example.com", members);
  salesId = await makeSharedMailbox("sales@example.com", members);
  rrId = await makeSharedMailbox("rr@example.com", members);

  // 30 conversations over two mailboxes; every third pair shares a timestamp (the id breaks the tie).
  for (let i = 0; i < 30; i++) {
    const at = new Date(BASE + Math.floor(i / 2) * HOUR + (i % 3 === 0 ? 0 : (i % 2) * 60_000));
    conv[`c${i}`] = (await deliver(i % 2 ? salesId : supportId, {}, { at })).conversationId;
  }
  const ann = await callerFor(annId);
  const bob = await callerFor(bobId);
  for (const i of [0, 1, 2, 3])
    await ann.workflow.assign({ conversationId: conv[`c${i}`] as number, assigneeId: annId });
  for (const i of [4, 5]) await ann.workflow.assign({ conversationId: conv[`c${i}`] as number, assigneeId: bobId });
  for (const i of [6, 7, 8])
    await bob.workflow.setStatus({ conversationId: conv[`c${i}`] as number, status: "pending" });
  for (const i of [9, 10]) await bob.workflow.setStatus({ conversationId: conv[`c${i}`] as number, status: "closed" });
  await bob.workflow.setStatus({ conversationId: conv.c11 as number, status: "spam" });
  for (const i of [12, 13]) {
    await bob.workflow.snooze({ conversationId: conv[`c${i}`] as number, until: new Date(Date.now() + 24 * HOUR) });
  }
  // c14 answered by us (outbound last): not waiting. c15 answered and then the customer wrote again: waiting.
  const c14 = await db().message.findFirstOrThrow({ where: { conversationId: conv.c14 } });
  const reply = await deliver(
    supportId,
    { headers: [`In-Reply-To: <${c14.messageIdHeader}>`, `References: <${c14.messageIdHeader}>`] },
    { at: new Date(BASE + 20 * HOUR), direction: "outbound" },
  );
  expect(reply.conversationId).toBe(conv.c14);
  // Waiting is counted from the customer's earliest unanswered message, not their latest:
  // c16 (support) is written again after its first message, later than c18's only one, and
  // still waits longer than c18. c19 (sales) was answered, then the customer wrote again: it
  // waits since that new message, not since its first.
  const follow = async (c: string, at: Date, direction: "inbound" | "outbound" = "inbound") => {
    const first = await db().message.findFirstOrThrow({ where: { conversationId: conv[c] } });
    const more = await deliver(
      (await db().conversation.findUniqueOrThrow({ where: { id: conv[c] as number } })).mailboxId,
      { headers: [`In-Reply-To: <${first.messageIdHeader}>`, `References: <${first.messageIdHeader}>`] },
      { at, direction },
    );
    expect(more.conversationId).toBe(conv[c]);
  };
  await follow("c16", new Date(BASE + 21 * HOUR));
  await follow("c19", new Date(BASE + 22 * HOUR), "outbound");
  await follow("c19", new Date(BASE + 23 * HOUR));
  // Tags belong to a mailbox: "billing" exists once in each mailbox that uses it.
  for (const i of [1, 16, 17]) {
    const { mailboxId } = await db().conversation.findUniqueOrThrow({ where: { id: conv[`c${i}`] as number } });
    const tag = await db().tag.upsert({
      where: { mailboxId_name: { mailboxId, name: "billing" } },
      create: { mailboxId, name: "billing" },
      update: {},
    });
    await db().conversationTag.create({ data: { conversationId: conv[`c${i}`] as number, tagId: tag.id } });
  }
});

afterAll(async () => {
  await disconnectDb();
});

/** The expected listing, computed from the rows themselves. */
async function expected(where: (c: Row) => boolean, sort: "newest" | "oldest" | "waiting") {
  const rows = (await db().conversation.findMany({
    where: { mailboxId: { in: [supportId, salesId] } },
    include: { tags: true, messages: { orderBy: [{ internalDate: "asc" }, { id: "asc" }] } },
  })) as Row[];
  const now = new Date();
  const filtered = rows.filter(where).filter((c) => {
    if (sort !== "waiting") return true;
    return c.status === "open" && !(c.snoozedUntil && c.snoozedUntil > now) && waitingSince(c) !== null;
  });
  const sign = sort === "newest" ? -1 : 1;
  const key = (c: Row) => (sort === "waiting" ? (waitingSince(c) as Date) : c.lastMessageAt).getTime();
  filtered.sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
  return filtered.map((c) => c.id);
}

/** The product's definition: the customer's earliest message after our latest reply (null: nobody waits). */
function waitingSince(c: Row): Date | null {
  const lastReply = c.messages.filter((m) => m.direction === "outbound").at(-1)?.internalDate ?? new Date(-8.64e15);
  return c.messages.find((m) => m.direction === "inbound" && m.internalDate > lastReply)?.internalDate ?? null;
}

interface Row {
  id: number;
  mailboxId: number;
  status: string;
  assigneeId: number | null;
  snoozedUntil: Date | null;
  lastMessageAt: Date;
  tags: { tagId: number }[];
  messages: { direction: string; internalDate: Date }[];
}

const awake = (c: Row) => !(c.snoozedUntil && c.snoozedUntil > new Date());
const working = (c: Row) => c.status === "open" || c.status === "pending";

describe("folders, filters and sorts", () => {
  const folders: [InboxFilter["folder"], (c: Row) => boolean][] = [
    ["unassigned", (c) => c.status === "open" && awake(c) && c.assigneeId === null],
    ["mine", (c) => working(c) && awake(c) && c.assigneeId === annId],
    ["open", (c) => c.status === "open" && awake(c)],
    ["pending", (c) => c.status === "pending" && awake(c)],
    ["snoozed", (c) => working(c) && !awake(c)],
    ["closed", (c) => c.status === "closed"],
    ["spam", (c) => c.status === "spam"],
    ["all", () => true],
  ];
  for (const [folder, where] of folders) {
    for (const sort of ["newest", "oldest", "waiting"] as const) {
      it(`${folder}, ${sort}: every page in order, nothing twice or missing`, async () => {
        const want = await expected(where, sort);
        const got = (await allPages(annId, { folder, sort }, 4)).map((c) => c.id);
        expect(got).toEqual(want);
      });
    }
  }

  it("has rows to test with", async () => {
    expect((await expected(folders[2]?.[1] as (c: Row) => boolean, "waiting")).length).toBeGreaterThan(8);
    expect(await expected((c) => c.id === conv.c14, "waiting")).toEqual([]);
  });

  it("orders waiting longest by the customer's earliest unanswered message, and shows that wait", async () => {
    const rows = await allPages(annId, { folder: "open", sort: "waiting" }, 50);
    const ids = rows.map((c) => c.id);
    // c16's first message (hour 8) is older than c18's (hour 9), though c16's latest (hour 21) is newer.
    expect(ids.indexOf(conv.c16 as number)).toBeLessThan(ids.indexOf(conv.c18 as number));
    const c16 = rows.find((c) => c.id === conv.c16);
    expect(c16?.waitingSince?.getTime()).toBe(BASE + 8 * HOUR);
    expect(c16?.lastMessageAt.getTime()).toBe(BASE + 21 * HOUR);
    // c19 waits since the customer wrote after our reply (hour 23), so it comes last.
    expect(rows.find((c) => c.id === conv.c19)?.waitingSince?.getTime()).toBe(BASE + 23 * HOUR);
    expect(ids.at(-1)).toBe(conv.c19);
    // The rows' waits never run backwards down the list.
    const waits = rows.map((c) => c.waitingSince?.getTime() ?? Number.NaN);
    expect(waits.every((w, i) => !Number.isNaN(w) && (i === 0 || w >= (waits[i - 1] as number)))).toBe(true);
  });

  it("keeps waitingSince true when a message is deleted and restored", async () => {
    const conversationId = conv.c19 as number;
    const waits = async () =>
      (await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).waitingSince?.getTime() ?? null;
    const last = await db().message.findFirstOrThrow({
      where: { conversationId, direction: "inbound" },
      orderBy: { internalDate: "desc" },
    });
    const ann = await callerFor(annId);
    await ann.recovery.deleteMessage({ messageId: last.id });
    // Only our reply is left after the first message: nobody waits.
    expect(await waits()).toBeNull();
    await ann.recovery.restore({ mailboxId: salesId, messageIds: [last.id] });
    expect(await waits()).toBe(BASE + 23 * HOUR);
    // Our reply deleted: the customer waits since their first message again.
    const reply = await db().message.findFirstOrThrow({ where: { conversationId, direction: "outbound" } });
    await ann.recovery.deleteMessage({ messageId: reply.id });
    const first = await db().message.findFirstOrThrow({ where: { conversationId }, orderBy: { internalDate: "asc" } });
    expect(await waits()).toBe(first.internalDate.getTime());
    await ann.recovery.restore({ mailboxId: salesId, messageIds: [reply.id] });
    expect(await waits()).toBe(BASE + 23 * HOUR);
  });

  it("keeps waitingSince true for a message dated before the conversation's latest", async () => {
    // An old-dated message (an import, an APPEND with its own date) is not the latest: the whole rule decides.
    const c17 = await db().message.findFirstOrThrow({ where: { conversationId: conv.c17 } });
    const mailboxId = (await db().conversation.findUniqueOrThrow({ where: { id: conv.c17 as number } })).mailboxId;
    const waits = async () =>
      (await db().conversation.findUniqueOrThrow({ where: { id: conv.c17 as number } })).waitingSince?.getTime() ??
      null;
    const thread = { headers: [`In-Reply-To: <${c17.messageIdHeader}>`, `References: <${c17.messageIdHeader}>`] };
    const before = c17.internalDate.getTime();
    // Our reply dated after the customer's message ends the wait, though written before a later message.
    await deliver(mailboxId, thread, { at: new Date(before + 10 * 60_000), direction: "outbound" });
    expect(await waits()).toBeNull();
    // A customer message dated between the two changes nothing: it was answered.
    await deliver(mailboxId, thread, { at: new Date(before + 5 * 60_000) });
    expect(await waits()).toBeNull();
    // One dated after our reply, though delivered out of order, starts the wait again.
    await deliver(mailboxId, thread, { at: new Date(before + 30 * 60_000) });
    await deliver(mailboxId, thread, { at: new Date(before + 20 * 60_000) });
    expect(await waits()).toBe(before + 20 * 60_000);
    await deliver(mailboxId, thread, { at: new Date(before + 40 * 60_000) });
    expect(await waits()).toBe(before + 20 * 60_000);
  });

  it("keeps waitingSince true when our reply and an earlier customer message are stored at once", async () => {
    // The reply (later date) commits first while the customer's message waits for the conversation's
    // row: the customer's write must see the reply, not the conversation as its statement began.
    const c15 = await db().message.findFirstOrThrow({ where: { conversationId: conv.c15 } });
    const id = conv.c15 as number;
    const { mailboxId } = await db().conversation.findUniqueOrThrow({ where: { id } });
    const thread = { headers: [`In-Reply-To: <${c15.messageIdHeader}>`, `References: <${c15.messageIdHeader}>`] };
    const lastAt = (await db().conversation.findUniqueOrThrow({ where: { id } })).lastMessageAt.getTime();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = sqlTransaction(async (tx) => {
      await tx.$queryRaw`select id from "Conversation" where id = ${id}::int for update`;
      locked();
      await held;
    });
    await lockTaken;
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const [row] = await sql.$queryRaw<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`;
        if ((row?.n ?? 0) >= n) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`${n} writes never waited for the conversation's row`);
    };
    const reply = deliver(mailboxId, thread, { at: new Date(lastAt + 20 * 60_000), direction: "outbound" });
    await waiting(1);
    const customer = deliver(mailboxId, thread, { at: new Date(lastAt + 10 * 60_000) });
    await waiting(2);
    release();
    await holder;
    await Promise.all([reply, customer]);
    // Our reply is the latest message: nobody waits, whichever write took the row last.
    expect((await db().conversation.findUniqueOrThrow({ where: { id } })).waitingSince).toBeNull();
  });

  it("filters by assignee, status, tag and mailbox", async () => {
    const ids = async (filter: Partial<InboxFilter> & { mailboxId?: number }) =>
      (await allPages(annId, { folder: "all", sort: "newest", ...filter }, 5)).map((c) => c.id);
    expect(await ids({ assignee: bobId })).toEqual(await expected((c) => c.assigneeId === bobId, "newest"));
    expect(await ids({ assignee: "none" })).toEqual(await expected((c) => c.assigneeId === null, "newest"));
    expect(await ids({ status: "closed" })).toEqual(await expected((c) => c.status === "closed", "newest"));
    // The filter names one tag and matches its name in every mailbox in view.
    const billing = new Set((await db().tag.findMany({ where: { name: "billing" } })).map((t) => t.id));
    const tag = { id: Math.min(...billing) };
    expect(await ids({ tagId: tag.id })).toEqual(
      await expected((c) => c.tags.some((t) => billing.has(t.tagId)), "newest"),
    );
    expect(await ids({ mailboxId: salesId, folder: "open" })).toEqual(
      await expected((c) => c.mailboxId === salesId && c.status === "open" && awake(c), "newest"),
    );
    // Filters combine with the folder.
    expect(await ids({ folder: "open", tagId: tag.id })).toEqual(
      await expected((c) => c.status === "open" && awake(c) && c.tags.some((t) => billing.has(t.tagId)), "oldest").then(
        (x) => x.reverse(),
      ),
    );
  });

  it("counts every folder, over all mailboxes or one", async () => {
    const ann = await callerFor(annId);
    const counts = await ann.workflow.counts({});
    for (const [folder, where] of folders) {
      if (folder === "all") continue;
      expect(counts[folder], folder).toBe((await expected(where, "newest")).length);
    }
    expect(counts).toMatchObject({ mine: 4, pending: 3, snoozed: 2, closed: 2, spam: 1 });
    const sales = await ann.workflow.counts({ mailboxId: salesId });
    expect(sales.open).toBe(
      (await expected((c) => c.mailboxId === salesId && c.status === "open" && awake(c), "newest")).length,
    );
    // Bob's "mine" is his own.
    expect((await (await callerFor(bobId)).workflow.counts({})).mine).toBe(2);
  });

  it("pages over tRPC with the cursor as JSON would carry it", async () => {
    const ann = await callerFor(annId);
    const first = await ann.workflow.inbox({ folder: "all", sort: "oldest" });
    expect(first.items).toHaveLength(30);
    expect(first.nextCursor).toBe(null);
    const assigned = first.items.find((c) => c.id === conv.c0);
    expect(assigned?.assignee).toEqual({ id: annId, name: "Ann" });
    const overJson = JSON.parse(
      JSON.stringify({ lastMessageAt: first.items[9]?.lastMessageAt, id: first.items[9]?.id }),
    );
    const rest = await ann.workflow.inbox({ folder: "all", sort: "oldest", cursor: overJson });
    expect(rest.items.map((c) => c.id)).toEqual(first.items.slice(10).map((c) => c.id));
  });
});

describe("re-checking rows by id (a live list)", () => {
  it("answers only the named rows that are still in the view, and only the caller's", async () => {
    const ann = await callerFor(annId);
    const c = (i: number) => conv[`c${i}`] as number;
    // A conversation in a mailbox Ann is not a member of.
    const privateId = await makeSharedMailbox("private@example.com", []);
    const foreign = (await deliver(privateId, {}, { at: new Date(BASE) })).conversationId;
    const ids = async (input: { folder: InboxFilter["folder"]; ids: number[] }) =>
      (await ann.workflow.inbox(input)).items.map((x) => x.id);

    // c0 is open (Ann's), c9 closed, c11 spam, c12 snoozed.
    expect(await ids({ folder: "open", ids: [c(0), c(9), c(11), c(12), foreign] })).toEqual([c(0)]);
    expect(await ids({ folder: "closed", ids: [c(0), c(9), foreign] })).toEqual([c(9)]);
    expect(await ids({ folder: "all", ids: [foreign] })).toEqual([]);
    expect(await ids({ folder: "all", ids: [] })).toEqual([]);
    // Ids beyond int4, or more than a page of them, are refused rather than scanned.
    await expect(ann.workflow.inbox({ folder: "all", ids: [2_147_483_648] })).rejects.toThrow();
    await expect(
      ann.workflow.inbox({ folder: "all", ids: Array.from({ length: 51 }, (_, i) => i + 1) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("round-robin", () => {
  it("is off until an admin turns it on, and only admins may", async () => {
    const { conversationId } = await deliver(rrId);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).assigneeId).toBe(null);
    const ann = await callerFor(annId);
    await expect(ann.workflow.setRoundRobin({ mailboxId: rrId, enabled: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await (await callerFor(adminId)).workflow.setRoundRobin({ mailboxId: rrId, enabled: true });
    expect((await (await callerFor(adminId)).workflow.roundRobin())[rrId]).toBe(true);
  });

  it("assigns new conversations in turn, skipping a member who is not available", async () => {
    const carol = await callerFor(carolId);
    await carol.workflow.setAvailability({ available: false });
    expect(await carol.workflow.availability()).toBe(false);
    const assignees: (number | null)[] = [];
    let first: { conversationId: number; messageId: string } | undefined;
    for (let i = 0; i < 4; i++) {
      const delivered = await deliver(rrId);
      first ??= delivered;
      assignees.push(
        (await db().conversation.findUniqueOrThrow({ where: { id: delivered.conversationId } })).assigneeId,
      );
    }
    expect(assignees).toEqual([annId, bobId, annId, bobId]);
    // A reply joins its conversation and takes no turn.
    const reply = await deliver(rrId, {
      headers: [`In-Reply-To: <${first?.messageId}>`, `References: <${first?.messageId}>`],
    });
    expect(reply.conversationId).toBe(first?.conversationId);
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: rrId } })).lastAssignedUserId).toBe(bobId);
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { subjectType: "conversation", subjectId: String(first?.conversationId) },
    });
    expect(audit).toMatchObject({
      action: "conversation.assigned",
      actorId: null,
      after: { assigneeId: annId, via: "round-robin" },
    });
    expect(
      await db().liveEvent.count({ where: { conversationId: first?.conversationId, kind: "conversation.assigned" } }),
    ).toBe(1);
    await carol.workflow.setAvailability({ available: true });
    const next = await deliver(rrId);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: next.conversationId } })).assigneeId).toBe(
      carolId,
    );
  });

  it("takes each turn once when deliveries arrive at once", async () => {
    await db().mailbox.update({ where: { id: rrId }, data: { lastAssignedUserId: null } });
    const delivered = await Promise.all(Array.from({ length: 30 }, () => deliver(rrId)));
    const rows = await db().conversation.findMany({
      where: { id: { in: delivered.map((d) => d.conversationId) } },
      select: { assigneeId: true },
    });
    const tally = new Map<number | null, number>();
    for (const r of rows) tally.set(r.assigneeId, (tally.get(r.assigneeId) ?? 0) + 1);
    expect(Object.fromEntries(tally)).toEqual({ [annId]: 10, [bobId]: 10, [carolId]: 10 });
  });
});
