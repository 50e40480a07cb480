// The folder tabs and the lists agree: for every tab, over all the caller's mailboxes and over
// one, the tab's count is exactly the number of rows its list pages out — with conversations
// in every state a folder must decide on (open, mine, pending, snoozed, a snooze that has run
// out, closed, spam, a closed one that still carries a snooze, deleted, and another team's).
// "Mine" holds my open and my pending conversations. The waiting-longest sort says since when
// the customer has waited, and search results are the same rows as the inbox. The inbox's
// layout (density, reading pane) is each user's own, kept on the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation } from "../../server/access/gate.ts";
import { FOLDERS } from "../../server/conversations/inbox-folders.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { snoozeConversation } from "../../server/workflow/snooze.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "inbox-tab-counts-test-secret-0123456789";
const HOUR = 3600_000;
const callerFor = sessionCaller(SECRET);

let annId = 0;
let bobId = 0;
let supportId = 0;
let salesId = 0;
const c: Record<string, number> = {};

type Caller = Awaited<ReturnType<typeof callerFor>>;
type Folder = (typeof FOLDERS)[number];

/** Every row a folder lists, page after page as the browser scrolls. */
async function listed(caller: Caller, folder: Folder, mailboxId?: number): Promise<number[]> {
  const ids: number[] = [];
  let cursor: { lastMessageAt: Date; id: number } | null = null;
  for (let i = 0; i < 20; i++) {
    const page: Awaited<ReturnType<Caller["workflow"]["inbox"]>> = await caller.workflow.inbox({
      folder,
      mailboxId,
      cursor,
    });
    ids.push(...page.items.map((x) => x.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  annId = await makeUser("ann@example.com", { name: "Ann" });
  bobId = await makeUser("bob@example.com", { name: "Bob" });
  supportId = await makeSharedMailbox("support@example.com", ["ann@example.com", "bob@example.com"]);
  salesId = await makeSharedMailbox("sales@example.com", ["ann@example.com"]);
  const privateId = await makeSharedMailbox("private@example.com", ["bob@example.com"]);
  const now = Date.now();
  let n = 0;
  const mail = async (name: string, mailboxId = supportId) => {
    c[name] = (
      await deliver(mailboxId, { subject: name }, { at: new Date(now - 100 * HOUR + n++ * HOUR) })
    ).conversationId;
    return c[name] as number;
  };
  const ann = await callerFor(annId);
  const bob = await callerFor(bobId);
  await mail("openA");
  await mail("openB", salesId);
  await ann.workflow.assign({ conversationId: await mail("mineOpen"), assigneeId: annId });
  const minePending = await mail("minePending", salesId);
  await ann.workflow.assign({ conversationId: minePending, assigneeId: annId });
  await ann.workflow.setStatus({ conversationId: minePending, status: "pending" });
  const bobsPending = await mail("bobsPending");
  await bob.workflow.assign({ conversationId: bobsPending, assigneeId: bobId });
  await bob.workflow.setStatus({ conversationId: bobsPending, status: "pending" });
  await ann.workflow.setStatus({ conversationId: await mail("pending"), status: "pending" });
  const mineSnoozed = await mail("mineSnoozed");
  await ann.workflow.assign({ conversationId: mineSnoozed, assigneeId: annId });
  await ann.workflow.snooze({ conversationId: mineSnoozed, until: new Date(now + 24 * HOUR) });
  const pendingSnoozed = await mail("pendingSnoozed");
  await ann.workflow.setStatus({ conversationId: pendingSnoozed, status: "pending" });
  await ann.workflow.snooze({ conversationId: pendingSnoozed, until: new Date(now + 24 * HOUR) });
  // A snooze that ran out a minute ago and the waker has not reached yet: already awake.
  const ranOut = await mail("snoozeRanOut");
  const gate = await authorizeConversation({ userId: annId, conversationId: ranOut });
  if (!gate) throw new Error("gate refused");
  await snoozeConversation({
    actorId: annId,
    conversation: gate,
    until: new Date(now - 60_000),
    now: new Date(now - 2 * HOUR),
  });
  await ann.workflow.setStatus({ conversationId: await mail("closed"), status: "closed" });
  await ann.workflow.setStatus({ conversationId: await mail("spam"), status: "spam" });
  // A closed conversation that still carries a future snooze: a status change clears the snooze
  // today (change-status.ts), but rows from before that, or written by another door, may carry
  // one. Which tab it is in must not depend on whether it is counted or listed.
  const closedSnoozed = await mail("closedSnoozed");
  await ann.workflow.setStatus({ conversationId: closedSnoozed, status: "closed" });
  await db()
    .$executeRaw`update "Conversation" set "snoozedUntil" = ${new Date(now + 24 * HOUR)} where id = ${closedSnoozed}`;
  await ann.recovery.deleteConversation({ conversationId: await mail("deleted") });
  const deletedMine = await mail("deletedMine");
  await ann.workflow.assign({ conversationId: deletedMine, assigneeId: annId });
  await ann.recovery.deleteConversation({ conversationId: deletedMine });
  await mail("private", privateId);
});

afterAll(async () => {
  await disconnectDb();
});

describe("folder tabs and lists", () => {
  it("has a conversation in every state", () => {
    expect(Object.keys(c)).toHaveLength(15);
  });

  for (const who of ["ann", "bob"] as const) {
    for (const scope of ["all", "support"] as const) {
      it(`${who}, ${scope} mailboxes: every tab's count is the rows its list shows`, async () => {
        const caller = await callerFor(who === "ann" ? annId : bobId);
        const mailboxId = scope === "support" ? supportId : undefined;
        const counts = await caller.workflow.counts({ mailboxId });
        for (const folder of FOLDERS) {
          if (folder === "all") continue;
          const rows = await listed(caller, folder, mailboxId);
          expect(new Set(rows).size, `${folder}: no row twice`).toBe(rows.length);
          expect(counts[folder], `${folder}: count vs list`).toBe(rows.length);
        }
      });
    }
  }

  it("puts each state in the folders it belongs to", async () => {
    const ann = await callerFor(annId);
    const names = async (folder: Folder) => {
      const ids = new Set(await listed(ann, folder));
      return Object.entries(c)
        .filter(([, id]) => ids.has(id))
        .map(([name]) => name)
        .sort();
    };
    expect(await names("mine")).toEqual(["mineOpen", "minePending"]);
    expect(await names("unassigned")).toEqual(["openA", "openB", "snoozeRanOut"]);
    expect(await names("pending")).toEqual(["bobsPending", "minePending", "pending"]);
    expect(await names("snoozed")).toEqual(["mineSnoozed", "pendingSnoozed"]);
    expect(await names("closed")).toEqual(["closed", "closedSnoozed"]);
    expect(await names("spam")).toEqual(["spam"]);
    // Deleted and another team's conversations are in no folder.
    const all = await names("all");
    expect(all).not.toContain("deleted");
    expect(all).not.toContain("deletedMine");
    expect(all).not.toContain("private");
    expect(all).toHaveLength(12);
  });

  it("Mine holds my pending conversations, not another agent's, and drops them when I hand them on", async () => {
    const ann = await callerFor(annId);
    const bob = await callerFor(bobId);
    expect((await ann.workflow.counts({})).mine).toBe(2);
    expect(await listed(bob, "mine")).toEqual([c.bobsPending]);
    expect(await listed(ann, "mine", salesId)).toEqual([c.minePending]);
    await ann.workflow.assign({ conversationId: c.minePending as number, assigneeId: null });
    try {
      expect(await listed(ann, "mine")).toEqual([c.mineOpen]);
      expect((await ann.workflow.counts({})).mine).toBe(1);
    } finally {
      await ann.workflow.assign({ conversationId: c.minePending as number, assigneeId: annId });
    }
  });
});

describe("rows", () => {
  it("say since when the customer has waited in the waiting-longest sort: their first message after our reply", async () => {
    const now = Date.now();
    const first = await deliver(supportId, { subject: "waits" }, { at: new Date(now - 72 * HOUR) });
    const asked = await db().message.findFirstOrThrow({ where: { conversationId: first.conversationId } });
    const thread = (at: number, direction: "inbound" | "outbound") =>
      deliver(
        supportId,
        { subject: "Re: waits", headers: [`In-Reply-To: <${asked.messageIdHeader}>`] },
        { at: new Date(at), direction },
      );
    await thread(now - 48 * HOUR, "outbound");
    await thread(now - 26 * HOUR, "inbound");
    await thread(now - 2 * HOUR, "inbound");
    const never = await deliver(supportId, { subject: "never answered" }, { at: new Date(now - 5 * HOUR) });
    const ann = await callerFor(annId);
    const page = await ann.workflow.inbox({ folder: "open", sort: "waiting" });
    const row = page.items.find((r) => r.id === first.conversationId);
    expect(row?.messageCount).toBe(4);
    expect(row?.waitingSince?.getTime()).toBe(now - 26 * HOUR);
    expect(page.items.find((r) => r.id === never.conversationId)?.waitingSince?.getTime()).toBe(now - 5 * HOUR);
    // Only that sort reads it.
    const newest = await ann.workflow.inbox({ folder: "open" });
    expect(newest.items.find((r) => r.id === first.conversationId)?.waitingSince).toBe(null);
  });

  it("are the same in search results as in the inbox: assignee, mailbox, status, tags", async () => {
    const ann = await callerFor(annId);
    const inbox = (await ann.workflow.inbox({ folder: "all" })).items.find((r) => r.id === c.minePending);
    const hits = (await ann.search.conversations({ q: "minePending" })).items;
    expect(hits.map((h) => h.id)).toEqual([c.minePending]);
    expect(hits[0]).toEqual(inbox);
    expect(hits[0]).toMatchObject({
      assignee: { id: annId, name: "Ann" },
      mailbox: { id: salesId, address: "sales@example.com" },
      status: "pending",
    });
  });
});

describe("the inbox layout preference", () => {
  it("is the caller's own, validated and audited", async () => {
    const ann = await callerFor(annId);
    expect((await ann.preferences.get()).inbox).toEqual({ density: "comfortable", readingPane: false });
    expect(await ann.preferences.setInboxLayout({ density: "compact" })).toEqual({
      density: "compact",
      readingPane: false,
    });
    // One field at a time leaves the other as it was.
    expect(await ann.preferences.setInboxLayout({ readingPane: true })).toEqual({
      density: "compact",
      readingPane: true,
    });
    expect((await ann.preferences.get()).inbox).toEqual({ density: "compact", readingPane: true });
    expect((await (await callerFor(bobId)).preferences.get()).inbox).toEqual({
      density: "comfortable",
      readingPane: false,
    });
    const audited = await db().auditEvent.findMany({
      where: { actorId: annId, action: "user.preferences", subjectId: String(annId) },
      orderBy: { id: "asc" },
    });
    expect(audited.map((a) => a.after)).toEqual([{ density: "compact" }, { readingPane: true }]);

    expect((await trpcError(ann.preferences.setInboxLayout({}))).code).toBe("BAD_REQUEST");
    expect((await trpcError(ann.preferences.setInboxLayout({ density: "tiny" as "compact" }))).code).toBe(
      "BAD_REQUEST",
    );
    expect((await trpcError(ann.preferences.setInboxLayout({ readingPane: "yes" as unknown as boolean }))).code).toBe(
      "BAD_REQUEST",
    );
    const signedOut = await callerFor(null);
    expect((await trpcError(signedOut.preferences.setInboxLayout({ density: "compact" }))).code).toBe("UNAUTHORIZED");
    expect((await ann.preferences.get()).inbox).toEqual({ density: "compact", readingPane: true });
  });
});
