// Approval (確認者) through the tRPC routers with the context the HTTP route
// builds: a member whose replies need approval sends from the composer and
// nothing leaves; a reviewer approves (one message queued, threaded, however
// many times it is clicked) or returns it with a comment; the author cannot
// approve their own; a non-member gets NOT_FOUND, a member who is not a
// reviewer FORBIDDEN (they see the held reply anyway: nothing to hide).
import { TRPCError } from "@trpc/server";
import { simpleParser } from "mailparser";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseStalledApprovals, STALLED_APPROVAL_MS } from "../../server/approval/release-stalled.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_RECIPIENTS } from "../../server/limits.ts";
import { getBlob } from "../../server/mail-store/store-blob.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "approval-test-secret-0123456789abcdef";
const PASSWORD = "correct horse battery";

let authorId = 0;
let reviewerId = 0;
let plainId = 0;
let outsiderId = 0;
let adminId = 0;
let supportId = 0;
let customerMessageId = 0;
let conversationId = 0;

const callerFor = sessionCaller(SECRET);

const reply = (over: Record<string, unknown> = {}) => ({
  messageId: customerMessageId,
  mode: "reply" as const,
  to: "Hanako Sato <hanako@customer.example>",
  subject: "Re: Refund",
  text: "We have refunded the order.\n\n> Please refund",
  ...over,
});

const outboundCount = () => db().outboundMessage.count();
const outboundMessageCount = () => db().message.count({ where: { conversationId, direction: "outbound" } });

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  const user = async (email: string, role: "admin" | "agent" = "agent") =>
    (await createUser({ email, password: PASSWORD, actorId: null, role })).user.id;
  authorId = await user("trainee@example.com");
  reviewerId = await user("lead@example.com");
  plainId = await user("agent@example.com");
  outsiderId = await user("outsider@example.com");
  adminId = await user("boss@example.com", "admin");
  supportId = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      displayName: "Example Support",
      memberEmails: ["trainee@example.com", "lead@example.com", "agent@example.com", "boss@example.com"],
      actorId: null,
    })
  ).id;
  const admin = await callerFor(adminId);
  await admin.approval.setMember({ mailboxId: supportId, userId: authorId, needsApproval: true });
  await admin.approval.setMember({ mailboxId: supportId, userId: reviewerId, reviewer: true });
  const raw = await new MailComposer({
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: "Refund",
    text: "Please refund",
    messageId: "<refund-1@customer.example>",
    date: new Date("2026-11-27T01:00:00Z"),
  })
    .compile()
    .build();
  const [stored] = await storeMessage({ raw, mailboxIds: [supportId], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("customer mail was not stored");
  customerMessageId = stored.messageId;
  conversationId = stored.conversationId;
});

afterAll(async () => {
  await disconnectDb();
});

async function holdOne(text = "We have refunded the order."): Promise<number> {
  const sent = await (await callerFor(authorId)).conversations.send(reply({ text }));
  expect(sent).toMatchObject({ held: true, messageId: null, conversationId });
  const row = await db().pendingReply.findFirstOrThrow({
    where: { authorId, state: "pending" },
    orderBy: { id: "desc" },
  });
  return row.id;
}

describe("holding", () => {
  it("stores the composer's reply as pending and sends, stores and queues nothing", async () => {
    const [queued, copies] = [await outboundCount(), await outboundMessageCount()];
    const id = await holdOne();
    expect(await outboundCount()).toBe(queued);
    expect(await outboundMessageCount()).toBe(copies);
    const row = await db().pendingReply.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ conversationId, mailboxId: supportId, authorId, state: "pending", reviewerId: null });
    expect(row.payload).toMatchObject({ to: "Hanako Sato <hanako@customer.example>", subject: "Re: Refund" });

    // Every member sees it in the conversation, with who and what.
    const seen = await (await callerFor(plainId)).approval.forConversation({ conversationId });
    expect(seen.canReview).toBe(false);
    expect(seen.replies.find((r) => r.id === id)).toMatchObject({
      state: "pending",
      author: { id: authorId, email: "trainee@example.com" },
      text: "We have refunded the order.",
    });
    const audit = await db().auditEvent.findFirst({
      where: { action: "reply.held", subjectId: String(conversationId) },
    });
    expect(audit?.actorId).toBe(authorId);
    expect(await db().liveEvent.count({ where: { kind: "reply.held", conversationId } })).toBeGreaterThan(0);
    // The reviewer's queue and count.
    const reviewer = await callerFor(reviewerId);
    expect((await reviewer.approval.queue()).map((r) => r.id)).toContain(id);
    expect((await reviewer.approval.count()).count).toBeGreaterThan(0);
    expect(await (await callerFor(plainId)).approval.count()).toEqual({ reviews: false, count: 0 });
    expect(await (await callerFor(authorId)).approval.count()).toEqual({ reviews: false, count: 0 });
  });

  it("refuses a held reply over the recipient and attachment limits exactly as it refuses a sent one", async () => {
    const held = await db().pendingReply.count();
    const author = await callerFor(authorId);
    const plain = await callerFor(plainId);
    const tooMany = reply({
      cc: Array.from({ length: MAX_RECIPIENTS }, (_, i) => `c${i}@customer.example`).join(", "),
    });
    // Two attachments, each within the per-file bound, together over the limit.
    const half = Buffer.alloc(Math.ceil(MAX_COMPOSE_ATTACHMENT_BYTES / 2) + 1024, 0x61).toString("base64");
    const tooLarge = reply({
      attachments: [
        { filename: "a.bin", base64: half },
        { filename: "b.bin", base64: half },
      ],
    });
    for (const input of [tooMany, tooLarge, reply({ to: "not an address" })]) {
      const asHeld = await trpcError(author.conversations.send(input));
      const asSent = await trpcError(plain.conversations.send(input));
      expect([asHeld.code, asHeld.message]).toEqual([asSent.code, asSent.message]);
      expect(asHeld.code).toBe("BAD_REQUEST");
    }
    expect(await db().pendingReply.count()).toBe(held);
  });

  it("members without the switch still send straight away", async () => {
    const before = await outboundCount();
    const sent = await (await callerFor(plainId)).conversations.send(reply({ text: "Direct answer" }));
    expect(sent).toMatchObject({ held: false, state: "queued" });
    expect(await outboundCount()).toBe(before + 1);
  });
});

describe("deciding", () => {
  it("approval sends exactly one threaded message from the shared mailbox", async () => {
    const id = await holdOne("Approved text");
    const before = await outboundCount();
    const approved = await (await callerFor(reviewerId)).approval.approve({ pendingReplyId: id });
    expect(await outboundCount()).toBe(before + 1);
    const copy = await db().message.findUniqueOrThrow({ where: { id: approved.messageId as number } });
    expect(copy).toMatchObject({
      conversationId,
      direction: "outbound",
      fromAddress: "support@example.com",
      inReplyTo: "refund-1@customer.example",
    });
    const parsed = await simpleParser((await getBlob(copy.blobSha256)) as Buffer);
    expect(parsed.inReplyTo).toBe("<refund-1@customer.example>");
    expect(parsed.text?.trim()).toBe("Approved text");
    const row = await db().pendingReply.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "approved", reviewerId, sentMessageId: copy.id });
    // The sent message names its author, not the reviewer; the approval is its history entry, no second one.
    expect(copy.authorId).toBe(row.authorId);
    expect(
      await db().auditEvent.count({ where: { action: "reply.sent", after: { path: ["messageId"], equals: copy.id } } }),
    ).toBe(0);
    expect(row.decidedAt).toBeInstanceOf(Date);
    const audit = await db().auditEvent.findFirst({ where: { action: "reply.approved" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorId: reviewerId, subjectId: String(conversationId) });

    // A second approval of the same reply sends nothing more.
    const again = await trpcError((await callerFor(adminId)).approval.approve({ pendingReplyId: id }));
    expect(again.code).toBe("CONFLICT");
    expect(await outboundCount()).toBe(before + 1);
  });

  it("concurrent approvals send once", async () => {
    const id = await holdOne("Race");
    const before = await outboundCount();
    const [a, b] = await Promise.all([callerFor(reviewerId), callerFor(adminId)]);
    const results = await Promise.allSettled([
      a.approval.approve({ pendingReplyId: id }),
      b.approval.approve({ pendingReplyId: id }),
      a.approval.approve({ pendingReplyId: id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as TRPCError).code).toBe("CONFLICT");
    }
    expect(await outboundCount()).toBe(before + 1);
  });

  it("return with a comment sends nothing; the author sees the comment and can send again", async () => {
    const id = await holdOne("Draft to fix");
    const before = await outboundCount();
    const reviewer = await callerFor(reviewerId);
    const empty = await trpcError(reviewer.approval.return({ pendingReplyId: id, comment: "  " }));
    expect(empty.code).toBe("BAD_REQUEST");
    await reviewer.approval.return({ pendingReplyId: id, comment: "Please add the <refund> number." });
    expect(await outboundCount()).toBe(before);
    const author = await callerFor(authorId);
    const seen = (await author.approval.forConversation({ conversationId })).replies.find((r) => r.id === id);
    expect(seen).toMatchObject({
      state: "returned",
      comment: "Please add the <refund> number.",
      reviewer: { id: reviewerId },
      text: "Draft to fix",
      to: "Hanako Sato <hanako@customer.example>",
    });
    // Returned is final: it cannot be approved afterwards.
    expect((await trpcError(reviewer.approval.approve({ pendingReplyId: id }))).code).toBe("CONFLICT");
    // The edited reply is held again as a new one.
    const next = await holdOne("Draft fixed: refund R-1");
    expect(next).not.toBe(id);
  });

  it("a stale approval is held for new activity until confirmed", async () => {
    const id = await holdOne("Before the customer wrote again");
    const raw = await new MailComposer({
      from: "hanako@customer.example",
      to: "support@example.com",
      subject: "Re: Refund",
      text: "Any news?",
      inReplyTo: "<refund-1@customer.example>",
      references: "<refund-1@customer.example>",
    })
      .compile()
      .build();
    const [stored] = await storeMessage({ raw, mailboxIds: [supportId], direction: "inbound" });
    expect(stored).toMatchObject({ outcome: "stored", conversationId });
    const before = await outboundCount();
    const reviewer = await callerFor(reviewerId);
    const held = await trpcError(reviewer.approval.approve({ pendingReplyId: id }));
    expect(held.code).toBe("CONFLICT");
    expect(held.message).toMatch(/new activity/i);
    expect(await outboundCount()).toBe(before);
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id } })).state).toBe("pending");
    await reviewer.approval.approve({ pendingReplyId: id, confirmNewActivity: true });
    expect(await outboundCount()).toBe(before + 1);
  });
});

describe("a claim whose process died", () => {
  const claimAt = async (id: number, agoMs: number) =>
    db().pendingReply.update({
      where: { id },
      data: { state: "approved", reviewerId, decidedAt: new Date(Date.now() - agoMs) },
    });

  it("is given back after STALLED_APPROVAL_MS, audited, and can then be approved once", async () => {
    const id = await holdOne("Claimed, then the process died");
    const before = await outboundCount();
    await claimAt(id, STALLED_APPROVAL_MS + 60_000);
    const fresh = await holdOne("Claimed a moment ago, still sending");
    await claimAt(fresh, 1_000);

    const released = await releaseStalledApprovals();
    expect(released).toContain(id);
    expect(released).not.toContain(fresh);
    expect(await db().pendingReply.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "pending",
      reviewerId: null,
      decidedAt: null,
    });
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id: fresh } })).state).toBe("approved");
    const audit = await db().auditEvent.findFirst({
      where: { action: "reply.approval_released" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ actorId: null, subjectId: String(conversationId) });
    expect(await releaseStalledApprovals()).not.toContain(id);

    await (await callerFor(reviewerId)).approval.approve({ pendingReplyId: id });
    expect(await outboundCount()).toBe(before + 1);
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id } })).sentMessageId).not.toBeNull();
    await db().pendingReply.update({ where: { id: fresh }, data: { state: "returned", comment: "cleanup" } });
  });

  it("a send whose claim was given back meanwhile rolls back: nothing leaves, the reply waits", async () => {
    const id = await holdOne("Slow send");
    const before = await outboundCount();
    // Hold the conversation row so the approval's send blocks inside its
    // transaction (it updates the conversation) after the claim committed.
    const blocker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query(`select id from "Conversation" where id = $1 for update`, [conversationId]);
      const approving = (await callerFor(reviewerId)).approval.approve({ pendingReplyId: id }).then(
        () => null,
        (e: unknown) => e,
      );
      await expect
        .poll(async () => (await db().pendingReply.findUniqueOrThrow({ where: { id } })).state, { timeout: 10_000 })
        .toBe("approved");
      // The claim looks abandoned to a sweep from the future; it is given back.
      expect(await releaseStalledApprovals(new Date(Date.now() + STALLED_APPROVAL_MS + 1_000))).toContain(id);
      await blocker.query("commit");
      const error = await approving;
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("CONFLICT");
    } finally {
      await blocker.end();
    }
    expect(await outboundCount()).toBe(before);
    expect(await db().pendingReply.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "pending",
      sentMessageId: null,
    });
    // Approved now, it goes out exactly once.
    await (await callerFor(reviewerId)).approval.approve({ pendingReplyId: id });
    expect(await outboundCount()).toBe(before + 1);
  });
});

describe("authority", () => {
  it("the author cannot approve or return their own reply, even as a reviewer", async () => {
    const id = await holdOne("Mine");
    await (await callerFor(adminId)).approval.setMember({ mailboxId: supportId, userId: authorId, reviewer: true });
    try {
      const author = await callerFor(authorId);
      expect((await trpcError(author.approval.approve({ pendingReplyId: id }))).code).toBe("FORBIDDEN");
      expect((await trpcError(author.approval.return({ pendingReplyId: id, comment: "ok" }))).code).toBe("FORBIDDEN");
    } finally {
      await (await callerFor(adminId)).approval.setMember({ mailboxId: supportId, userId: authorId, reviewer: false });
    }
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id } })).state).toBe("pending");
  });

  it("a member who is not a reviewer is FORBIDDEN; a non-member gets NOT_FOUND", async () => {
    const id = await holdOne("Guarded");
    const before = await outboundCount();
    const plain = await callerFor(plainId);
    expect((await trpcError(plain.approval.approve({ pendingReplyId: id }))).code).toBe("FORBIDDEN");
    expect((await trpcError(plain.approval.return({ pendingReplyId: id, comment: "no" }))).code).toBe("FORBIDDEN");
    const outsider = await callerFor(outsiderId);
    expect((await trpcError(outsider.approval.approve({ pendingReplyId: id }))).code).toBe("NOT_FOUND");
    expect((await trpcError(outsider.approval.approve({ pendingReplyId: 2_000_000_000 }))).code).toBe("NOT_FOUND");
    expect((await trpcError(outsider.approval.forConversation({ conversationId }))).code).toBe("NOT_FOUND");
    expect(await outsider.approval.queue()).toEqual([]);
    expect((await trpcError(outsider.conversations.send(reply()))).code).toBe("NOT_FOUND");
    expect(await outboundCount()).toBe(before);
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id } })).state).toBe("pending");
  });

  it("only admins flip the switches", async () => {
    const error = await trpcError(
      (await callerFor(reviewerId)).approval.setMember({
        mailboxId: supportId,
        userId: reviewerId,
        needsApproval: true,
      }),
    );
    // The admin tier answers an agent as for a path that does not exist (issue 13).
    expect(error.code).toBe("NOT_FOUND");
    const members = await (await callerFor(adminId)).approval.members({ mailboxId: supportId });
    expect(members.find((m) => m.userId === authorId)).toMatchObject({ needsApproval: true, reviewer: false });
    expect(members.find((m) => m.userId === reviewerId)).toMatchObject({ needsApproval: false, reviewer: true });
  });
});

describe("a held reply of a deleted conversation", () => {
  it("leaves the queue and cannot be decided while the conversation is deleted; it returns with it", async () => {
    const id = await holdOne("Held while deleted");
    const reviewer = await callerFor(reviewerId);
    const before = await outboundCount();
    await (await callerFor(plainId)).recovery.deleteConversation({ conversationId });

    expect((await reviewer.approval.queue()).map((r) => r.id)).not.toContain(id);
    const waiting = await db().pendingReply.count({
      where: { mailboxId: supportId, state: "pending", authorId: { not: reviewerId } },
    });
    expect((await reviewer.approval.count()).count).toBeLessThan(waiting);
    expect((await trpcError(reviewer.approval.approve({ pendingReplyId: id }))).message).toBe("No such reply.");
    expect((await trpcError(reviewer.approval.return({ pendingReplyId: id, comment: "x" }))).message).toBe(
      "No such reply.",
    );
    expect(await outboundCount()).toBe(before);
    expect((await db().pendingReply.findUniqueOrThrow({ where: { id } })).state).toBe("pending");

    await (await callerFor(plainId)).recovery.restore({ mailboxId: supportId, deletedConversationId: conversationId });
    expect((await reviewer.approval.queue()).map((r) => r.id)).toContain(id);
    expect((await reviewer.approval.count()).count).toBe(waiting);
  });
});

describe("send and set a status", () => {
  it("closes or sets pending once the reply has left; a reply held for approval leaves the status as it was", async () => {
    const status = async () => (await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).status;
    expect(await status()).toBe("open");
    const held = await (await callerFor(authorId)).conversations.send(reply({ text: "Held", thenStatus: "closed" }));
    expect(held.held).toBe(true);
    expect(await status()).toBe("open");
    const plain = await callerFor(plainId);
    await plain.conversations.send(reply({ text: "Sent, then pending", thenStatus: "pending" }));
    expect(await status()).toBe("pending");
    const change = await db().auditEvent.findFirstOrThrow({
      where: { action: "conversation.status", subjectId: String(conversationId) },
      orderBy: { id: "desc" },
    });
    expect(change).toMatchObject({ actorId: plainId, before: { status: "open" }, after: { status: "pending" } });
    expect((await trpcError(plain.conversations.send(reply({ text: "x", thenStatus: "spam" })))).code).toBe(
      "BAD_REQUEST",
    );
    expect(await status()).toBe("pending");
  });
});
