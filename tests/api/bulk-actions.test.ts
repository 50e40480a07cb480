// Bulk actions through tRPC (bulk.run, bulk.undo) as the inbox calls them: one request
// over many conversations, each through the gate and the single-change domain functions,
// audited per conversation; what the caller may not act on (another team's, a missing id)
// is skipped and reported while the rest is done; undo puts back exactly what changed and
// leaves what someone changed since; a forged undo can do nothing the caller could not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxConversationIds } from "../../server/conversations/inbox-folders.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { MAX_BULK_CONVERSATIONS } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "bulk-actions-test-secret-0123456789abc";
const HOUR = 3600_000;
const callerFor = sessionCaller(SECRET);

let annId = 0;
let bobId = 0;
let oliviaId = 0;
let supportId = 0;
let salesId = 0;

async function conversations(ids: number[]) {
  return db().conversation.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
}

async function auditCount(ids: number[], action: string) {
  return db().auditEvent.count({ where: { subjectType: "conversation", subjectId: { in: ids.map(String) }, action } });
}

async function many(mailboxId: number, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await deliver(mailboxId)).conversationId);
  return ids;
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  annId = await makeUser("ann@example.com", { name: "Ann" });
  bobId = await makeUser("bob@example.com", { name: "Bob" });
  oliviaId = await makeUser("olivia@example.com", { name: "Olivia" });
  supportId = await makeSharedMailbox("support@example.com", ["ann@example.com", "bob@example.com"]);
  salesId = await makeSharedMailbox("sales@example.com", ["olivia@example.com", "bob@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

describe("authority", () => {
  it("does what the member may, skips and reports another team's and missing conversations, touching nothing there", async () => {
    const mine = await many(supportId, 3);
    const foreign = await many(salesId, 2);
    const ann = await callerFor(annId);
    const result = await ann.bulk.run({
      target: { conversationIds: [...mine, ...foreign, 2_147_483_000] },
      action: { kind: "assign", assigneeId: annId },
    });
    expect(result.done).toEqual(mine);
    expect(result.skipped.map((s) => [s.conversationId, s.code])).toEqual([
      [foreign[0], "not_found"],
      [foreign[1], "not_found"],
      [2_147_483_000, "not_found"],
    ]);
    expect((await conversations(mine)).map((c) => c.assigneeId)).toEqual([annId, annId, annId]);
    expect((await conversations(foreign)).map((c) => c.assigneeId)).toEqual([null, null]);
    // One audit entry per conversation changed, none for the refused ones.
    expect(await auditCount(mine, "conversation.assigned")).toBe(3);
    expect(await auditCount(foreign, "conversation.assigned")).toBe(0);
  });

  it("skips, with the reason, a conversation whose mailbox the assignee is not a member of", async () => {
    const [inSupport] = await many(supportId, 1);
    const [inSales] = await many(salesId, 1);
    // Bob works in both mailboxes; Olivia is a member of Sales only.
    const bob = await callerFor(bobId);
    const result = await bob.bulk.run({
      target: { conversationIds: [inSupport as number, inSales as number] },
      action: { kind: "assign", assigneeId: oliviaId },
    });
    expect(result.done).toEqual([inSales]);
    expect(result.skipped).toEqual([
      { conversationId: inSupport, code: "invalid", reason: "Only a member of this mailbox can be assigned." },
    ]);
  });

  it("a mailbox view narrows the ids to that mailbox, and another team's mailbox is NOT_FOUND", async () => {
    const [inSupport] = await many(supportId, 1);
    const [inSales] = await many(salesId, 1);
    const bob = await callerFor(bobId);
    const result = await bob.bulk.run({
      mailboxId: supportId,
      target: { conversationIds: [inSupport as number, inSales as number] },
      action: { kind: "status", status: "pending" },
    });
    expect(result.done).toEqual([inSupport]);
    expect(result.skipped.map((s) => s.conversationId)).toEqual([inSales]);
    const ann = await callerFor(annId);
    const error = await trpcError(
      ann.bulk.run({ mailboxId: salesId, target: { folder: "all" }, action: { kind: "spam" } }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("a forged undo is authorized again: another team's conversation and mailbox are skipped, unchanged", async () => {
    const [foreign] = await many(salesId, 1);
    const deleted = await (await callerFor(oliviaId)).bulk.run({
      target: { conversationIds: [foreign as number] },
      action: { kind: "delete" },
    });
    expect(deleted.done).toEqual([foreign]);
    const ann = await callerFor(annId);
    const result = await ann.bulk.undo({
      items: [
        { kind: "status", conversationId: foreign as number, status: "closed", snoozedUntil: null, expected: "open" },
        ...deleted.undo,
      ],
    });
    expect(result.done).toEqual([]);
    expect(result.skipped.map((s) => s.code)).toEqual(["not_found", "not_found"]);
    const [row] = await conversations([foreign as number]);
    expect(row?.deletedAt).not.toBeNull();
    expect(row?.status).toBe("open");
  });

  it("refuses more than the batch limit, and a bad action, as a whole", async () => {
    const ann = await callerFor(annId);
    const ids = Array.from({ length: MAX_BULK_CONVERSATIONS + 1 }, (_, i) => i + 1);
    expect((await trpcError(ann.bulk.run({ target: { conversationIds: ids }, action: { kind: "spam" } }))).code).toBe(
      "BAD_REQUEST",
    );
    const [one] = await many(supportId, 1);
    const past = new Date(Date.now() - HOUR);
    const error = await trpcError(
      ann.bulk.run({ target: { conversationIds: [one as number] }, action: { kind: "snooze", until: past } }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("Choose a time in the future to snooze until.");
    expect(
      (
        await trpcError(
          ann.bulk.run({ target: { conversationIds: [one as number] }, action: { kind: "tag", name: "  " } }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
    const signedOut = await callerFor(null);
    expect(
      (await trpcError(signedOut.bulk.run({ target: { conversationIds: [1] }, action: { kind: "spam" } }))).code,
    ).toBe("UNAUTHORIZED");
  });
});

describe("undo", () => {
  it("assign: puts back each previous assignee, and leaves one someone changed since", async () => {
    const ids = await many(supportId, 4);
    const bob = await callerFor(bobId);
    const ann = await callerFor(annId);
    await bob.workflow.assign({ conversationId: ids[0] as number, assigneeId: bobId });
    const applied = await ann.bulk.run({
      target: { conversationIds: ids },
      action: { kind: "assign", assigneeId: annId },
    });
    expect(applied.done).toEqual(ids);
    expect(applied.undo).toHaveLength(4);
    // Meanwhile Bob takes the last one.
    await bob.workflow.assign({ conversationId: ids[3] as number, assigneeId: bobId });
    const undone = await ann.bulk.undo({ items: applied.undo });
    expect(undone.done).toEqual(ids.slice(0, 3));
    expect(undone.skipped.map((s) => [s.conversationId, s.code])).toEqual([[ids[3], "conflict"]]);
    expect((await conversations(ids)).map((c) => c.assigneeId)).toEqual([bobId, null, null, bobId]);
    expect(await auditCount(ids.slice(1, 3), "conversation.assigned")).toBe(4);
  });

  it("status: closes and reopens, bringing back a snooze the close ended", async () => {
    const ids = await many(supportId, 2);
    const ann = await callerFor(annId);
    const until = new Date(Date.now() + 5 * HOUR);
    await ann.workflow.snooze({ conversationId: ids[0] as number, until });
    const applied = await ann.bulk.run({
      target: { conversationIds: ids },
      action: { kind: "status", status: "closed" },
    });
    expect((await conversations(ids)).map((c) => [c.status, c.snoozedUntil])).toEqual([
      ["closed", null],
      ["closed", null],
    ]);
    await ann.bulk.undo({ items: applied.undo });
    expect((await conversations(ids)).map((c) => [c.status, c.snoozedUntil?.getTime() ?? null])).toEqual([
      ["open", until.getTime()],
      ["open", null],
    ]);
  });

  it("spam and snooze: each undone; a closed conversation cannot be snoozed and is reported", async () => {
    const ids = await many(supportId, 3);
    const ann = await callerFor(annId);
    const spam = await ann.bulk.run({ target: { conversationIds: ids }, action: { kind: "spam" } });
    expect((await conversations(ids)).every((c) => c.status === "spam")).toBe(true);
    expect(await auditCount(ids, "conversation.status")).toBe(3);
    await ann.bulk.undo({ items: spam.undo });
    expect((await conversations(ids)).every((c) => c.status === "open")).toBe(true);

    await ann.workflow.setStatus({ conversationId: ids[2] as number, status: "closed" });
    const until = new Date(Date.now() + 2 * HOUR);
    const snoozed = await ann.bulk.run({ target: { conversationIds: ids }, action: { kind: "snooze", until } });
    expect(snoozed.done).toEqual(ids.slice(0, 2));
    expect(snoozed.skipped).toEqual([
      { conversationId: ids[2], code: "invalid", reason: "Only open or pending conversations can be snoozed." },
    ]);
    await ann.bulk.undo({ items: snoozed.undo });
    expect((await conversations(ids)).map((c) => c.snoozedUntil)).toEqual([null, null, null]);
  });

  it("tag: adds it in each conversation's mailbox; undo removes it only where this action added it", async () => {
    const ids = await many(supportId, 3);
    const ann = await callerFor(annId);
    await ann.tags.add({ conversationId: ids[0] as number, name: "VIP" });
    const applied = await ann.bulk.run({ target: { conversationIds: ids }, action: { kind: "tag", name: "vip" } });
    expect(applied.done).toEqual(ids);
    expect(applied.undo.map((u) => u.kind === "untag" && u.conversationId)).toEqual(ids.slice(1));
    const tagged = await db().conversationTag.findMany({ where: { conversationId: { in: ids } } });
    expect(tagged).toHaveLength(3);
    expect(new Set(tagged.map((t) => t.tagId)).size).toBe(1);
    await ann.bulk.undo({ items: applied.undo });
    const left = await db().conversationTag.findMany({ where: { conversationId: { in: ids } } });
    expect(left.map((t) => t.conversationId)).toEqual([ids[0]]);
  });

  it("delete: into deleted mail, audited per conversation; undo restores exactly those messages", async () => {
    const ids = await many(supportId, 3);
    const ann = await callerFor(annId);
    const applied = await ann.bulk.run({ target: { conversationIds: ids }, action: { kind: "delete" } });
    expect(applied.done).toEqual(ids);
    expect((await conversations(ids)).every((c) => c.deletedAt !== null)).toBe(true);
    expect(
      await db().auditEvent.count({
        where: { action: "conversation.delete", subjectId: { in: ids.map(String) } },
      }),
    ).toBe(3);
    const inbox = await ann.workflow.inbox({ folder: "all" });
    expect(inbox.items.map((c) => c.id)).not.toContain(ids[0]);
    const undone = await ann.bulk.undo({ items: applied.undo });
    expect(undone.done).toEqual(ids);
    expect((await conversations(ids)).every((c) => c.deletedAt === null)).toBe(true);
    expect(await db().message.count({ where: { conversationId: { in: ids }, deletedAt: null } })).toBe(3);
  });
});

describe("set-based, with the single change's records", () => {
  /** Everything written about the conversation (each is a fresh one). */
  async function records(conversationId: number) {
    const audit = await db().auditEvent.findMany({
      where: { subjectType: "conversation", subjectId: String(conversationId) },
      orderBy: { id: "asc" },
    });
    const live = await db().liveEvent.findMany({
      where: { conversationId, kind: { startsWith: "conversation." } },
      orderBy: { id: "asc" },
    });
    const notices = await db().notification.findMany({ where: { conversationId }, orderBy: { id: "asc" } });
    return {
      audit: audit.map((a) => [a.actorId, a.action, a.before, a.after]),
      live: live.map((e) => [e.mailboxId, e.kind, e.actorId, e.payload]),
      notices: notices.map((n) => [n.userId, n.kind, n.actorId, n.shown]),
    };
  }
  it("writes, per conversation, the audit entry, live event and notice the single assign, status and snooze write", async () => {
    const [single, bulk] = [await many(supportId, 2), await many(supportId, 2)];
    const ann = await callerFor(annId);
    const until = new Date(Date.now() + 3 * HOUR);
    for (const id of single) {
      await ann.workflow.assign({ conversationId: id, assigneeId: bobId, expectedAssigneeId: null });
      await ann.workflow.snooze({ conversationId: id, until });
      await ann.workflow.setStatus({ conversationId: id, status: "closed", expected: "open" });
    }
    await ann.bulk.run({ target: { conversationIds: bulk }, action: { kind: "assign", assigneeId: bobId } });
    await ann.bulk.run({ target: { conversationIds: bulk }, action: { kind: "snooze", until } });
    await ann.bulk.run({ target: { conversationIds: bulk }, action: { kind: "status", status: "closed" } });
    const expected = await records(single[0] as number);
    expect(expected.audit.map((a) => a[1])).toEqual([
      "conversation.assigned",
      "conversation.snoozed",
      "conversation.status",
    ]);
    expect(expected.notices).toEqual([[bobId, "conversation.assigned", annId, true]]);
    for (const id of bulk) expect(await records(id)).toEqual(expected);
    expect((await conversations(bulk)).map((c) => [c.status, c.assigneeId, c.snoozedUntil])).toEqual(
      (await conversations(single)).map((c) => [c.status, c.assigneeId, c.snoozedUntil]),
    );
  });

  it("tag and its undo: per conversation the audit entries, live events and IMAP keyword change of tags.add / tags.remove", async () => {
    const [single, bulk] = [await many(supportId, 2), await many(supportId, 3)];
    const ann = await callerFor(annId);
    // One of the bulk's already has it: left alone, and not taken off by the undo.
    await ann.tags.add({ conversationId: bulk[2] as number, name: "Billing" });
    for (const id of single) await ann.tags.add({ conversationId: id, name: "Other" });
    for (const id of bulk.slice(0, 2)) await ann.tags.add({ conversationId: id, name: "Other" });
    const tag = { id: 0 };
    for (const id of single) {
      const added = await ann.tags.add({ conversationId: id, name: "billing" });
      tag.id = added.id;
    }
    const modseq = async (ids: number[]) =>
      (
        await db().folderMessage.findMany({
          where: { message: { conversationId: { in: ids } } },
          orderBy: { id: "asc" },
        })
      ).map((e) => Number(e.modseq));
    const before = await modseq(bulk);
    const applied = await ann.bulk.run({ target: { conversationIds: bulk }, action: { kind: "tag", name: "billing" } });
    expect(applied.done).toEqual(bulk);
    expect(applied.undo).toEqual(bulk.slice(0, 2).map((id) => ({ kind: "untag", conversationId: id, tagId: tag.id })));
    const after = await modseq(bulk);
    expect(after.slice(0, 2).every((m, i) => m > (before[i] as number))).toBe(true);
    const expectedAdd = await records(single[0] as number);
    for (const id of bulk.slice(0, 2)) expect(await records(id)).toEqual(expectedAdd);

    for (const id of single) await ann.tags.remove({ conversationId: id, tagId: tag.id });
    const undone = await ann.bulk.undo({ items: applied.undo });
    expect(undone.done).toEqual(bulk.slice(0, 2));
    const expectedRemove = await records(single[0] as number);
    expect(expectedRemove.audit.map((a) => a[1])).toEqual(["tag.add", "tag.add", "tag.remove"]);
    for (const id of bulk.slice(0, 2)) expect(await records(id)).toEqual(expectedRemove);
    const left = await db().conversationTag.findMany({ where: { conversationId: { in: bulk }, tagId: tag.id } });
    expect(left.map((t) => t.conversationId)).toEqual([bulk[2]]);
    // Undone twice: nothing to take off any more, reported per conversation.
    const again = await ann.bulk.undo({ items: applied.undo });
    expect(again.done).toEqual([]);
    expect(again.skipped.map((s) => [s.conversationId, s.code])).toEqual(
      bulk.slice(0, 2).map((id) => [id, "not_found"]),
    );
  });

  it("a conversation changed after the action read it is a conflict, worded as the single change words it", async () => {
    const { applyWorkflowChanges } = await import("../../server/workflow/bulk-workflow.ts");
    const ids = await many(supportId, 2);
    const bob = await callerFor(bobId);
    await bob.workflow.assign({ conversationId: ids[1] as number, assigneeId: bobId });
    const outcome = await applyWorkflowChanges({
      actorId: annId,
      changes: ids.map((id) => ({
        kind: "assign" as const,
        conversation: { conversationId: id, mailboxId: supportId } as never,
        assigneeId: annId,
        expected: null,
      })),
    });
    expect(outcome.done).toEqual([ids[0]]);
    expect(outcome.skipped).toEqual([
      { conversationId: ids[1], code: "conflict", reason: "Changed by someone else: now Open, assigned to Bob" },
    ]);
    expect((await conversations(ids)).map((c) => c.assigneeId)).toEqual([annId, bobId]);
  });
});

describe("select all in this folder", () => {
  it("acts on every conversation the folder and filter hold for the caller, not only a loaded page", async () => {
    const board = await makeSharedMailbox("board@example.com", ["ann@example.com"]);
    const ids = await many(board, 60);
    const ann = await callerFor(annId);
    // More than one inbox page (50).
    const result = await ann.bulk.run({
      mailboxId: board,
      target: { folder: "unassigned" },
      action: { kind: "status", status: "pending" },
    });
    expect(result.done).toEqual(ids);
    expect(result.more).toBe(false);
    expect((await conversations(ids)).every((c) => c.status === "pending")).toBe(true);
    // Nothing left in Unassigned: a second run finds nothing.
    const again = await ann.bulk.run({ mailboxId: board, target: { folder: "unassigned" }, action: { kind: "spam" } });
    expect(again.done).toEqual([]);
  });

  it("stops at the limit and says there are more", async () => {
    const board = await makeSharedMailbox("limits@example.com", ["ann@example.com"]);
    const ids = await many(board, 3);
    const found = await inboxConversationIds({
      userId: annId,
      mailboxIds: [board] as never,
      filter: { folder: "open", sort: "oldest" },
      limit: 2,
    });
    expect(found).toEqual({ ids: ids.slice(0, 2), more: true });
  });
});
