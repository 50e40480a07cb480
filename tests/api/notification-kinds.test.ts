// Notifications beyond @mentions, through the tRPC routers as the browser
// calls them: assigned to me, a customer replied in a conversation assigned
// to me, my held reply approved or returned, a conversation of mine snoozed
// back — each reaching the right person only, never the actor — and the
// per-kind settings (in the app, by e-mail, in the browser) and the daily
// digest, with the clock passed in.
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { getBlob } from "../../server/mail-store/store-blob.ts";
import { mailPendingNotifications } from "../../server/notifications/mail-notifications.ts";
import { sendDigests } from "../../server/notifications/send-digests.ts";
import { wakeSnoozed } from "../../server/workflow/wake-snoozed.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "notification-kinds-secret-0123456789abcdef";
const SENDER = { hostname: "mail.example.com", publicUrl: "https://yubin.example.com" };

const callerFor = sessionCaller(SECRET);
const ids = { admin: 0, alice: 0, bob: 0, lead: 0, outsider: 0, support: 0 };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = SENDER.hostname;
  await useTestDatabase();
  await makeDomain();
  ids.admin = await makeUser("admin@example.com", { name: "Ada Admin", admin: true });
  ids.alice = await makeUser("alice@example.com", { name: "Alice Agent" });
  ids.bob = await makeUser("bob@example.com", { name: "Bob Builder" });
  ids.lead = await makeUser("lead@example.com", { name: "Lena Lead" });
  ids.outsider = await makeUser("outsider@example.com", { name: "Olga Outsider" });
  ids.support = await makeSharedMailbox("support@example.com", [
    "alice@example.com",
    "bob@example.com",
    "lead@example.com",
    "admin@example.com",
  ]);
  const admin = await callerFor(ids.admin);
  await admin.approval.setMember({ mailboxId: ids.support, userId: ids.alice, needsApproval: true });
  await admin.approval.setMember({ mailboxId: ids.support, userId: ids.lead, reviewer: true });
});

afterAll(async () => {
  await disconnectDb();
});

/** Notices of each user since `afterId`, as [userId, kind, conversationId] (shown or not). */
async function noticesSince(afterId: number) {
  const rows = await db().notification.findMany({ where: { id: { gt: afterId } }, orderBy: { id: "asc" } });
  return rows.map((r) => [r.userId, r.kind, r.conversationId] as const);
}
const lastNoticeId = async () => (await db().notification.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0;

describe("each kind reaches the right person only", () => {
  it("assigned to me: the assignee is told, by whom; nobody else, and never oneself", async () => {
    const { conversationId } = await deliver(ids.support, { subject: "Broken kettle" });
    const before = await lastNoticeId();
    await (await callerFor(ids.bob)).workflow.assign({ conversationId, assigneeId: ids.alice });
    expect(await noticesSince(before)).toEqual([[ids.alice, "conversation.assigned", conversationId]]);
    const list = await (await callerFor(ids.alice)).notifications.list();
    expect(list[0]).toMatchObject({
      kind: "conversation.assigned",
      conversationId,
      subject: "Broken kettle",
      actor: { name: "Bob Builder" },
      browser: true,
    });
    // Taking it oneself, or unassigning, tells nobody.
    const mid = await lastNoticeId();
    await (await callerFor(ids.bob)).workflow.assign({ conversationId, assigneeId: ids.bob });
    await (await callerFor(ids.bob)).workflow.assign({ conversationId, assigneeId: null });
    expect(await noticesSince(mid)).toEqual([]);
  });

  it("a customer replied in a conversation assigned to me: the assignee only; unassigned tells nobody", async () => {
    const first = await deliver(ids.support, { subject: "Late parcel", from: "Kenji <kenji@customer.example>" });
    await (await callerFor(ids.alice)).workflow.assign({ conversationId: first.conversationId, assigneeId: ids.alice });
    const before = await lastNoticeId();
    const reply = await deliver(ids.support, {
      subject: "Re: Late parcel",
      from: "Kenji <kenji@customer.example>",
      headers: [`In-Reply-To: <${first.messageId}>`, `References: <${first.messageId}>`],
    });
    expect(reply.conversationId).toBe(first.conversationId);
    expect(await noticesSince(before)).toEqual([[ids.alice, "customer.replied", first.conversationId]]);
    expect(await (await callerFor(ids.alice)).notifications.unreadCount()).toBeGreaterThan(0);

    // The same reply to an unassigned conversation notifies no one; nor does mail starting a new one.
    const other = await deliver(ids.support, { subject: "Nobody's" });
    const mid = await lastNoticeId();
    await deliver(ids.support, {
      subject: "Re: Nobody's",
      headers: [`In-Reply-To: <${other.messageId}>`],
    });
    expect(await noticesSince(mid)).toEqual([]);
  });

  it("my held reply approved, and returned: the author only, not the reviewer", async () => {
    const customer = await deliver(ids.support, { subject: "Refund", from: "Hanako <hanako@customer.example>" });
    const author = await callerFor(ids.alice);
    const hold = async (text: string) => {
      const sent = await author.conversations.send({
        messageId: customer.storedMessageId,
        mode: "reply",
        to: "hanako@customer.example",
        subject: "Re: Refund",
        text,
      });
      expect(sent).toMatchObject({ held: true });
      return (await db().pendingReply.findFirstOrThrow({ where: { authorId: ids.alice }, orderBy: { id: "desc" } })).id;
    };
    const reviewer = await callerFor(ids.lead);
    const first = await hold("Refunded.");
    let before = await lastNoticeId();
    await reviewer.approval.approve({ pendingReplyId: first });
    expect(await noticesSince(before)).toEqual([[ids.alice, "reply.approved", customer.conversationId]]);
    expect(await db().notification.findFirstOrThrow({ where: { id: { gt: before } } })).toMatchObject({
      actorId: ids.lead,
      pendingReplyId: first,
    });

    const second = await hold("Refunded again.");
    before = await lastNoticeId();
    await reviewer.approval.return({ pendingReplyId: second, comment: "Add the order number." });
    expect(await noticesSince(before)).toEqual([[ids.alice, "reply.returned", customer.conversationId]]);
  });

  it("a conversation of mine snoozed back: its assignee, when the waker runs at the due time", async () => {
    const { conversationId } = await deliver(ids.support, { subject: "Call me next week" });
    const bob = await callerFor(ids.bob);
    await bob.workflow.assign({ conversationId, assigneeId: ids.alice });
    const until = new Date(Date.now() + 60 * 60_000);
    await bob.workflow.snooze({ conversationId, until });
    const before = await lastNoticeId();
    // Before the time: nothing wakes, nobody is told.
    expect(await wakeSnoozed(new Date(until.getTime() - 1_000))).not.toContain(conversationId);
    expect(await noticesSince(before)).toEqual([]);
    expect(await wakeSnoozed(new Date(until.getTime() + 1_000))).toContain(conversationId);
    expect(await noticesSince(before)).toEqual([[ids.alice, "conversation.woke", conversationId]]);
  });

  it("a notice about a mailbox the user cannot see is neither listed nor counted for another user", async () => {
    const outsider = await callerFor(ids.outsider);
    expect(await outsider.notifications.list()).toEqual([]);
    expect(await outsider.notifications.unreadCount()).toBe(0);
  });
});

describe("settings", () => {
  it("defaults: in the app and browser on, e-mail off, no digest; a bad kind is refused", async () => {
    const settings = await (await callerFor(ids.bob)).notifications.settings();
    expect(settings.digest).toBe(false);
    expect(settings.kinds["conversation.assigned"]).toEqual({ inApp: true, email: false, browser: true });
    expect(Object.keys(settings.kinds)).toHaveLength(6);
    const bob = await callerFor(ids.bob);
    const error = await trpcError(
      bob.notifications.setSetting({ kind: "everything" as "note.mention", inApp: false, email: true, browser: true }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("in-app off and e-mail on: nothing listed, one e-mail queued from the system sender, once", async () => {
    const bob = await callerFor(ids.bob);
    await bob.notifications.setSetting({ kind: "conversation.assigned", inApp: false, email: true, browser: false });
    expect((await bob.notifications.settings()).kinds["conversation.assigned"]).toEqual({
      inApp: false,
      email: true,
      browser: false,
    });
    const unread = await bob.notifications.unreadCount();
    const listed = (await bob.notifications.list()).length;
    const { conversationId } = await deliver(ids.support, { subject: "Invoice 請求書" });
    await (await callerFor(ids.alice)).workflow.assign({ conversationId, assigneeId: ids.bob });
    expect(await bob.notifications.unreadCount()).toBe(unread);
    expect(await bob.notifications.list()).toHaveLength(listed);

    const queuedBefore = await db().outboundMessage.count();
    const now = new Date("2099-01-10T09:00:00Z");
    const mailed = await mailPendingNotifications({ ...SENDER, now });
    expect(mailed).toHaveLength(1);
    const outbound = await db().outboundMessage.findFirstOrThrow({ orderBy: { id: "desc" }, include: { jobs: true } });
    expect(await db().outboundMessage.count()).toBe(queuedBefore + 1);
    expect(outbound.mailFrom).toBe("");
    expect(outbound.jobs.map((j) => j.recipients)).toEqual([[{ address: "bob@example.com", state: "pending" }]]);
    const parsed = await simpleParser((await getBlob(outbound.blobSha256)) as Buffer);
    expect(parsed.from?.value[0]?.address).toBe("no-reply@mail.example.com");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(parsed.subject).toContain("Alice Agent assigned a conversation to you");
    expect(parsed.subject).toContain("Invoice 請求書");
    expect(parsed.text).toContain(`https://yubin.example.com/conversations/${conversationId}`);
    // Mailed once: a second run finds nothing.
    expect(await mailPendingNotifications({ ...SENDER, now })).toEqual([]);
  });

  it("everything off: no row at all; e-mail stays off for another user's same kind", async () => {
    const bob = await callerFor(ids.bob);
    await bob.notifications.setSetting({ kind: "conversation.assigned", inApp: false, email: false, browser: false });
    const { conversationId } = await deliver(ids.support, { subject: "Quiet" });
    const before = await lastNoticeId();
    await (await callerFor(ids.alice)).workflow.assign({ conversationId, assigneeId: ids.bob });
    await (await callerFor(ids.bob)).workflow.assign({ conversationId, assigneeId: ids.alice });
    // Bob's choice silenced his notice; Alice's defaults list hers and mail nothing.
    expect(await noticesSince(before)).toEqual([[ids.alice, "conversation.assigned", conversationId]]);
    expect(await db().notification.count({ where: { id: { gt: before }, mailPending: true } })).toBe(0);
  });

  it("browser off for a kind marks its listed notices so the page does not pop them up", async () => {
    const alice = await callerFor(ids.alice);
    await alice.notifications.setSetting({ kind: "customer.replied", inApp: true, email: false, browser: false });
    const list = await alice.notifications.list();
    expect(list.filter((n) => n.kind === "customer.replied").every((n) => n.browser === false)).toBe(true);
    expect(list.filter((n) => n.kind === "conversation.assigned").every((n) => n.browser === true)).toBe(true);
  });
});

describe("daily digest", () => {
  it("one e-mail per user per day of unread notices, not before the digest hour, only when chosen", async () => {
    const alice = await callerFor(ids.alice);
    await alice.notifications.setDigest({ digest: true });
    expect((await alice.notifications.settings()).digest).toBe(true);
    const digestsTo = async (address: string) => {
      const rows = await db().deliveryJob.findMany({ include: { outboundMessage: true } });
      const found = [];
      for (const row of rows) {
        if (!(row.recipients as { address: string }[]).some((r) => r.address === address)) continue;
        const parsed = await simpleParser((await getBlob(row.outboundMessage.blobSha256)) as Buffer);
        if (parsed.headers.get("x-yubin-notification") === "digest") found.push(parsed);
      }
      return found;
    };
    // Bob has an unread notice too (a mention), but has not chosen the digest.
    const { conversationId } = await deliver(ids.support, { subject: "Ask Bob" });
    await alice.notes.add({ conversationId, body: "@Bob can you look?", mentions: [ids.bob] });
    expect(await (await callerFor(ids.bob)).notifications.unreadCount()).toBeGreaterThan(0);
    // Far from today, so that every notice above was created before it, whatever today is.
    const day = new Date("2099-03-02T00:00:00Z");
    const at = (hours: number) => new Date(day.getTime() + hours * 60 * 60_000);
    expect(await sendDigests({ ...SENDER, now: at(7) })).toEqual([]);
    expect(await sendDigests({ ...SENDER, now: at(9) })).toEqual([ids.alice]);
    expect(await sendDigests({ ...SENDER, now: at(15) })).toEqual([]);
    let mails = await digestsTo("alice@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("Your unread notifications:");
    expect(mails[0]?.text).toContain("Bob Builder assigned a conversation to you: Broken kettle");
    // Bob did not choose it: nothing for him, though he has unread notices too.
    expect(await digestsTo("bob@example.com")).toHaveLength(0);

    // The next day, one more; after reading everything, none.
    expect(await sendDigests({ ...SENDER, now: at(24 + 9) })).toEqual([ids.alice]);
    await alice.notifications.markAllRead();
    expect(await sendDigests({ ...SENDER, now: at(48 + 9) })).toEqual([]);
    mails = await digestsTo("alice@example.com");
    expect(mails).toHaveLength(2);
  });

  it("counts the day in the user's time zone", async () => {
    const bob = await callerFor(ids.bob);
    await bob.preferences.set({ locale: "ja", timeZone: "Asia/Tokyo" });
    await bob.notifications.setDigest({ digest: true });
    // 2099-03-10 00:30 UTC is 09:30 in Tokyo: due there, though it is 00:30 in UTC.
    expect(await sendDigests({ ...SENDER, now: new Date("2099-03-10T00:30:00Z") })).toContain(ids.bob);
    const row = await db().notificationDigest.findFirstOrThrow({ where: { userId: ids.bob } });
    expect(row.day.toISOString().slice(0, 10)).toBe("2099-03-10");
  });
});
