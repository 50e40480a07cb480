// Deleted-mail recovery against a real PostgreSQL (server/recovery/): a
// deletion from the web takes mail out of the inbox, search, the gate and the
// quota at once; a restore brings it back into its folder (a new UID, its
// flags) and its conversation; the retention job purges it after the window,
// with a clock the test moves, freeing a blob only when nothing references
// it; every step is audited.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthorizedMailboxId,
  authorizeConversation,
  authorizeMailbox,
  authorizeMessage,
} from "../../server/access/gate.ts";
import { listInbox } from "../../server/conversations/inbox-folders.ts";
import { db } from "../../server/db.ts";
import { DELETED_RETENTION_DAYS } from "../../server/limits.ts";
import { expungeMessages } from "../../server/mail-store/expunge-messages.ts";
import { MAIL_CHANNEL } from "../../server/realtime/channels.ts";
import { LIVE_CHANNEL } from "../../server/realtime/live-events.ts";
import { deleteMail } from "../../server/recovery/delete-mail.ts";
import { listDeletedMail } from "../../server/recovery/list-deleted-mail.ts";
import { purgeDeletedMail } from "../../server/recovery/purge-deleted-mail.ts";
import { restoreMail } from "../../server/recovery/restore-mail.ts";
import { setDeletedRetention } from "../../server/recovery/set-retention.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import { searchConversations } from "../../server/search/search-conversations.ts";
import { useTestDatabase } from "../support/database.ts";
import { customerMail, deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { waitFor } from "../support/wait.ts";

const DAY = 86_400_000;
let url = "";
let agent = 0;
let admin = 0;
let mailboxes = 0;

beforeAll(async () => {
  url = await useTestDatabase();
  await makeDomain("example.com");
  agent = await makeUser("agent@example.com");
  admin = await makeUser("admin@example.com", { admin: true });
});

async function mailbox(): Promise<{ id: AuthorizedMailboxId; inbox: number; archive: number }> {
  const id = await makeSharedMailbox(`recovery${++mailboxes}@example.com`, ["agent@example.com"]);
  const authorized = await authorizeMailbox({ userId: agent, mailboxId: id });
  if (!authorized) throw new Error("not authorized");
  const inbox = await db().folder.findFirstOrThrow({ where: { mailboxId: id, name: "INBOX" } });
  const archive = await db().folder.findFirstOrThrow({ where: { mailboxId: id, name: "Archive" } });
  return { id: authorized, inbox: inbox.id, archive: archive.id };
}

async function usage(mailboxId: number) {
  const box = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
  return { bytes: Number(box.usedBytes), messages: box.usedMessages };
}

async function inboxIds(mailboxId: AuthorizedMailboxId): Promise<number[]> {
  const { items } = await listInbox({ userId: agent, mailboxIds: [mailboxId], filter: { folder: "all" } as never });
  return items.map((i) => i.id);
}

async function searchIds(q: string): Promise<number[]> {
  return (await searchConversations({ userId: agent, query: parseSearchQuery(q) })).map((h) => h.id);
}

/**
 * The job is installation-wide: mail the other tests deleted is due at these tests' later clocks.
 * Purged first, before the mail under test is deleted, so that each count below is this test's own.
 */
async function drain(now: Date): Promise<void> {
  while ((await purgeDeletedMail({ now })).messages > 0) {}
}

/** A conversation as the web tier gets it: through the gate, for the agent. */
async function conversationOf(conversationId: number) {
  const conversation = await authorizeConversation({ userId: agent, conversationId });
  if (!conversation) throw new Error(`conversation ${conversationId} not authorized`);
  return conversation;
}

describe("deleting from the web", () => {
  it("takes a conversation out of the inbox, search, the gate and the quota at once, and audits it", async () => {
    const box = await mailbox();
    const first = await deliver(box.id, { subject: "Refund zebrafish", messageId: "zf-1@customer.example" });
    const reply = await deliver(box.id, {
      subject: "Re: Refund zebrafish",
      headers: ["In-Reply-To: <zf-1@customer.example>"],
    });
    const other = await deliver(box.id, { subject: "Unrelated" });
    expect(reply.conversationId).toBe(first.conversationId);
    const otherSize = (await db().message.findUniqueOrThrow({ where: { id: other.storedMessageId } })).size;
    expect(await searchIds("zebrafish")).toEqual([first.conversationId]);

    const conversation = await conversationOf(first.conversationId);
    const result = await deleteMail({
      mailboxId: box.id,
      select: { conversationId: conversation.conversationId },
      actorId: agent,
      door: "web",
      ip: "198.51.100.4",
    });

    expect(result.deletedMessageIds.sort()).toEqual([first.storedMessageId, reply.storedMessageId].sort());
    expect(result.hiddenConversationIds).toEqual([first.conversationId]);
    expect(await inboxIds(box.id)).toEqual([other.conversationId]);
    expect(await searchIds("zebrafish")).toEqual([]);
    expect(await authorizeConversation({ userId: agent, conversationId: first.conversationId })).toBeNull();
    expect(await authorizeMessage({ userId: agent, messageId: first.storedMessageId })).toBeNull();
    // Only live mail counts against the quota.
    expect(await usage(box.id)).toEqual({ bytes: otherSize, messages: 1 });
    expect(await db().folderMessage.count({ where: { folderId: box.inbox } })).toBe(1);

    const audits = await db().auditEvent.findMany({
      where: { action: { in: ["message.delete", "conversation.delete"] }, actorId: agent, ip: "198.51.100.4" },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => [a.action, a.subjectId])).toEqual(
      expect.arrayContaining([
        ["message.delete", String(first.storedMessageId)],
        ["message.delete", String(reply.storedMessageId)],
        ["conversation.delete", String(first.conversationId)],
      ]),
    );
    expect(audits).toHaveLength(3);
  });

  it("deletes one message of a conversation, which stays with the rest", async () => {
    const box = await mailbox();
    const first = await deliver(box.id, { subject: "Two parts", messageId: "tp-1@customer.example" });
    const reply = await deliver(box.id, { subject: "Re: Two parts", headers: ["References: <tp-1@customer.example>"] });
    await deleteMail({
      mailboxId: box.id,
      select: { messageIds: [reply.storedMessageId] },
      actorId: agent,
      door: "web",
    });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: first.conversationId } });
    expect(conversation).toMatchObject({ messageCount: 1, deletedAt: null });
    expect(await inboxIds(box.id)).toEqual([first.conversationId]);
    const messages = await db().message.findMany({ where: { conversationId: first.conversationId } });
    expect(messages.map((m) => m.id)).toEqual([first.storedMessageId]);
  });

  it("deletes several conversations in one step (a bulk action)", async () => {
    const box = await mailbox();
    const one = await deliver(box.id, { subject: "Bulk one" });
    const two = await deliver(box.id, { subject: "Bulk two" });
    const kept = await deliver(box.id, { subject: "Bulk kept" });
    const result = await deleteMail({
      mailboxId: box.id,
      select: {
        conversationIds: [
          (await conversationOf(one.conversationId)).conversationId,
          (await conversationOf(two.conversationId)).conversationId,
        ],
      },
      actorId: agent,
      door: "web",
    });
    expect(result.hiddenConversationIds).toEqual([one.conversationId, two.conversationId].sort((a, b) => a - b));
    expect(await inboxIds(box.id)).toEqual([kept.conversationId]);
  });

  it("deletes nothing of another mailbox", async () => {
    const mine = await mailbox();
    const theirs = await mailbox();
    const foreign = await deliver(theirs.id, { subject: "Not yours" });
    await expect(
      deleteMail({
        mailboxId: mine.id,
        select: { messageIds: [foreign.storedMessageId] },
        actorId: agent,
        door: "web",
      }),
    ).rejects.toThrow(/already gone/);
    expect((await db().message.findUniqueOrThrow({ where: { id: foreign.storedMessageId } })).deletedAt).toBeNull();
  });

  it("stores a redelivery of deleted mail again instead of taking it for a duplicate", async () => {
    const box = await mailbox();
    const mail = customerMail({ subject: "Sent twice" });
    const first = await deliver(box.id, mail.raw);
    await deleteMail({
      mailboxId: box.id,
      select: { messageIds: [first.storedMessageId] },
      actorId: agent,
      door: "web",
    });
    const again = await deliver(box.id, mail.raw);
    expect(again.storedMessageId).not.toBe(first.storedMessageId);
    expect(await inboxIds(box.id)).toEqual([again.conversationId]);
  });
});

describe("restoring", () => {
  it("puts a conversation back into its folders and conversation with its flags and new UIDs", async () => {
    const box = await mailbox();
    const first = await deliver(box.id, { subject: "Bring me back", messageId: "bmb-1@customer.example" });
    const reply = await deliver(box.id, {
      subject: "Re: Bring me back",
      headers: ["In-Reply-To: <bmb-1@customer.example>"],
    });
    // Flags as a client left them, and the reply filed in Archive too.
    await db().folderMessage.updateMany({
      where: { messageId: first.storedMessageId },
      data: { flags: ["\\Seen", "\\Flagged", "$Important"] },
    });
    await db().folderMessage.create({
      data: { folderId: box.archive, messageId: reply.storedMessageId, uid: 90, modseq: 1n, flags: ["\\Answered"] },
    });
    await db().folder.update({ where: { id: box.archive }, data: { uidNext: 91 } });
    await db().conversation.update({ where: { id: first.conversationId }, data: { status: "pending" } });
    const before = await usage(box.id);
    const oldUids = await db().folderMessage.findMany({ where: { folderId: box.inbox }, select: { uid: true } });
    const uidNext = (await db().folder.findUniqueOrThrow({ where: { id: box.inbox } })).uidNext;

    await deleteMail({
      mailboxId: box.id,
      select: { conversationId: (await conversationOf(first.conversationId)).conversationId },
      actorId: agent,
      door: "web",
    });
    expect(await usage(box.id)).toEqual({ bytes: 0, messages: 0 });

    const restored = await restoreMail({
      mailboxId: box.id,
      select: { conversationId: first.conversationId },
      actorId: admin,
      ip: "203.0.113.9",
    });
    expect(restored.restoredMessageIds.sort()).toEqual([first.storedMessageId, reply.storedMessageId].sort());
    expect(restored.restoredConversationIds).toEqual([first.conversationId]);

    expect(await usage(box.id)).toEqual(before);
    expect(await inboxIds(box.id)).toEqual([first.conversationId]);
    expect(await searchIds('"Bring me back"')).toEqual([first.conversationId]);
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: first.conversationId } });
    expect(conversation).toMatchObject({ deletedAt: null, messageCount: 2, status: "pending" });

    const entries = await db().folderMessage.findMany({
      where: { messageId: { in: [first.storedMessageId, reply.storedMessageId] } },
      orderBy: [{ folderId: "asc" }, { uid: "asc" }],
    });
    const inInbox = entries.filter((e) => e.folderId === box.inbox);
    expect(inInbox).toHaveLength(2);
    // UIDs are never reused: new ones from UIDNEXT.
    for (const e of inInbox) {
      expect(e.uid).toBeGreaterThanOrEqual(uidNext);
      expect(oldUids.map((o) => o.uid)).not.toContain(e.uid);
    }
    expect(inInbox.find((e) => e.messageId === first.storedMessageId)?.flags).toEqual([
      "\\Seen",
      "\\Flagged",
      "$Important",
    ]);
    const archived = entries.filter((e) => e.folderId === box.archive);
    expect(archived.map((e) => [e.messageId, e.flags])).toEqual([[reply.storedMessageId, ["\\Answered"]]]);
    expect(archived[0]?.uid).toBe(91);

    const audits = await db().auditEvent.findMany({
      where: { action: { in: ["message.restore", "conversation.restore"] }, actorId: admin },
    });
    expect(audits.map((a) => a.action).sort()).toEqual(["conversation.restore", "message.restore", "message.restore"]);
    expect(audits.every((a) => a.ip === "203.0.113.9")).toBe(true);
  });

  it("restores mail an IMAP client expunged, without the \\Deleted flag that expunged it", async () => {
    const box = await mailbox();
    const message = await deliver(box.id, { subject: "Expunged by a client" });
    const entry = await db().folderMessage.findFirstOrThrow({ where: { messageId: message.storedMessageId } });
    await db().folderMessage.update({ where: { id: entry.id }, data: { flags: ["\\Seen", "\\Deleted"] } });
    await expungeMessages({
      mailboxId: box.id,
      folderId: box.inbox,
      select: { uids: [entry.uid] },
      actorId: agent,
      door: "imap",
    });
    const listed = await listDeletedMail({ mailboxIds: [box.id], filter: { subject: "client" } });
    expect(listed.items.map((i) => [i.messageId, i.deletedVia, i.conversationId])).toEqual([
      [message.storedMessageId, "imap", message.conversationId],
    ]);
    await restoreMail({ mailboxId: box.id, select: { messageIds: [message.storedMessageId] }, actorId: agent });
    const back = await db().folderMessage.findFirstOrThrow({ where: { messageId: message.storedMessageId } });
    expect(back.flags).toEqual(["\\Seen"]);
    expect(back.uid).toBeGreaterThan(entry.uid);
    expect(await inboxIds(box.id)).toEqual([message.conversationId]);
  });

  it("restores nothing of another mailbox, nor twice", async () => {
    const mine = await mailbox();
    const theirs = await mailbox();
    const foreign = await deliver(theirs.id, { subject: "Theirs" });
    await deleteMail({
      mailboxId: theirs.id,
      select: { messageIds: [foreign.storedMessageId] },
      actorId: agent,
      door: "web",
    });
    await expect(
      restoreMail({ mailboxId: mine.id, select: { messageIds: [foreign.storedMessageId] }, actorId: agent }),
    ).rejects.toThrow(/No such deleted mail/);
    await restoreMail({ mailboxId: theirs.id, select: { messageIds: [foreign.storedMessageId] }, actorId: agent });
    await expect(
      restoreMail({ mailboxId: theirs.id, select: { messageIds: [foreign.storedMessageId] }, actorId: agent }),
    ).rejects.toThrow(/No such deleted mail/);
  });
});

describe("live updates", () => {
  it("tells browsers and IMAP sessions of a deletion and of a restore, at commit", async () => {
    const box = await mailbox();
    const mail = await deliver(box.id, { subject: "Live one" });
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: { channel: string; payload: { kind: string; conversationId?: number | null; folderId?: number } }[] =
      [];
    listener.on("notification", (n) => heard.push({ channel: n.channel, payload: JSON.parse(n.payload ?? "null") }));
    await listener.query(`listen ${MAIL_CHANNEL}; listen ${LIVE_CHANNEL}`);
    try {
      await deleteMail({
        mailboxId: box.id,
        select: { conversationId: (await conversationOf(mail.conversationId)).conversationId },
        actorId: agent,
        door: "web",
      });
      await waitFor("the deletion's notices", () => heard.length === 2);
      expect(heard).toEqual(
        expect.arrayContaining([
          {
            channel: LIVE_CHANNEL,
            payload: expect.objectContaining({ kind: "message.expunged", conversationId: mail.conversationId }),
          },
          {
            channel: MAIL_CHANNEL,
            payload: expect.objectContaining({ kind: "message.expunged", folderId: box.inbox }),
          },
        ]),
      );
      const live = await db().liveEvent.findFirstOrThrow({
        where: { conversationId: mail.conversationId, kind: "message.expunged" },
      });
      expect(live.payload).toMatchObject({ conversationRemoved: true, door: "web" });
      heard.length = 0;
      await restoreMail({ mailboxId: box.id, select: { conversationId: mail.conversationId }, actorId: agent });
      await waitFor("the restore's notices", () => heard.length === 2);
      expect(heard).toEqual(
        expect.arrayContaining([
          {
            channel: LIVE_CHANNEL,
            payload: expect.objectContaining({ kind: "message.restored", conversationId: mail.conversationId }),
          },
          { channel: MAIL_CHANNEL, payload: expect.objectContaining({ kind: "message.stored", folderId: box.inbox }) },
        ]),
      );
    } finally {
      await listener.end();
    }
  });
});

describe("finding deleted mail", () => {
  it("filters by mailbox, sender, subject and date", async () => {
    const a = await mailbox();
    const b = await mailbox();
    const t0 = new Date("2026-05-01T10:00:00Z");
    const mayInA = await deliver(a.id, { subject: "Invoice May", from: "Hanako <hanako@shop.example>" }, { at: t0 });
    const juneInA = await deliver(
      a.id,
      { subject: "Invoice June", from: "taro@shop.example" },
      {
        at: new Date(t0.getTime() + 31 * DAY),
      },
    );
    const inB = await deliver(b.id, { subject: "Invoice B", from: "hanako@shop.example" }, { at: t0 });
    for (const [box, m] of [
      [a, mayInA],
      [a, juneInA],
      [b, inB],
    ] as const) {
      await deleteMail({ mailboxId: box.id, select: { messageIds: [m.storedMessageId] }, actorId: agent, door: "web" });
    }
    const ids = async (mailboxIds: AuthorizedMailboxId[], filter: Parameters<typeof listDeletedMail>[0]["filter"]) =>
      (await listDeletedMail({ mailboxIds, filter })).items.map((i) => i.messageId).sort();
    expect(await ids([a.id], {})).toEqual([mayInA.storedMessageId, juneInA.storedMessageId].sort());
    expect(await ids([a.id, b.id], { from: "HANAKO" })).toEqual([mayInA.storedMessageId, inB.storedMessageId].sort());
    expect(await ids([a.id, b.id], { subject: "june" })).toEqual([juneInA.storedMessageId]);
    expect(await ids([a.id], { since: new Date(t0.getTime() + DAY) })).toEqual([juneInA.storedMessageId]);
    expect(await ids([a.id], { before: new Date(t0.getTime() + DAY) })).toEqual([mayInA.storedMessageId]);
    // LIKE wildcards in the input are text.
    expect(await ids([a.id], { subject: "%" })).toEqual([]);
    const page = await listDeletedMail({ mailboxIds: [a.id], filter: {}, limit: 1 });
    expect(page.items).toHaveLength(1);
    const next = await listDeletedMail({
      mailboxIds: [a.id],
      filter: {},
      limit: 1,
      after: page.nextCursor ?? undefined,
    });
    expect(next.items.map((i) => i.messageId)).not.toEqual(page.items.map((i) => i.messageId));
  });
});

describe("the retention job", () => {
  it("purges after the window (moved clock), frees a blob only when unreferenced, and audits", async () => {
    const a = await mailbox();
    const b = await mailbox();
    const shared = customerMail({ subject: "Shared bytes" });
    const inA = await deliver(a.id, shared.raw);
    const inB = await deliver(b.id, shared.raw);
    const sha = (await db().message.findUniqueOrThrow({ where: { id: inA.storedMessageId } })).blobSha256;
    expect((await db().message.findUniqueOrThrow({ where: { id: inB.storedMessageId } })).blobSha256).toBe(sha);

    const deletedAt = new Date(Date.now() + 1000 * DAY);
    await drain(new Date(deletedAt.getTime() + 100 * DAY));
    await deleteMail({
      mailboxId: a.id,
      select: { conversationId: (await conversationOf(inA.conversationId)).conversationId },
      actorId: agent,
      door: "web",
      now: deletedAt,
    });
    // Inside the window: nothing goes.
    const early = await purgeDeletedMail({ now: new Date(deletedAt.getTime() + (DELETED_RETENTION_DAYS - 1) * DAY) });
    expect(early.messages).toBe(0);
    expect(await db().message.count({ where: { id: inA.storedMessageId } })).toBe(1);

    // After it: the message and its hidden conversation go; the blob stays, mailbox b still has it.
    const after = new Date(deletedAt.getTime() + (DELETED_RETENTION_DAYS + 1) * DAY);
    const first = await purgeDeletedMail({ now: after });
    expect(first).toMatchObject({ messages: 1, conversations: 1, blobs: 0 });
    expect(await db().message.count({ where: { id: inA.storedMessageId } })).toBe(0);
    expect(await db().conversation.count({ where: { id: inA.conversationId } })).toBe(0);
    expect(await db().blob.count({ where: { sha256: sha } })).toBe(1);
    await expect(
      restoreMail({ mailboxId: a.id, select: { messageIds: [inA.storedMessageId] }, actorId: agent }),
    ).rejects.toThrow(/No such deleted mail/);

    // The last reference goes: so does the blob.
    await deleteMail({
      mailboxId: b.id,
      select: { messageIds: [inB.storedMessageId] },
      actorId: agent,
      door: "web",
      now: deletedAt,
    });
    const second = await purgeDeletedMail({ now: after });
    expect(second).toMatchObject({ messages: 1, conversations: 1, blobs: 1 });
    expect(await db().blob.count({ where: { sha256: sha } })).toBe(0);

    const purges = await db().auditEvent.findMany({
      where: { action: "message.purge", subjectId: { in: [String(inA.storedMessageId), String(inB.storedMessageId)] } },
      orderBy: { id: "asc" },
    });
    expect(purges.map((p) => [p.subjectId, (p.after as { blobFreed: boolean }).blobFreed])).toEqual([
      [String(inA.storedMessageId), false],
      [String(inB.storedMessageId), true],
    ]);
    expect(
      await db().auditEvent.count({ where: { action: "conversation.purge", subjectId: String(inA.conversationId) } }),
    ).toBe(1);
  });

  it("follows each mailbox's own window, set by an admin and audited", async () => {
    const short = await mailbox();
    const message = await deliver(short.id, { subject: "Short window" });
    await setDeletedRetention({ mailboxId: short.id, days: 2, actorId: admin, ip: null });
    expect(await db().auditEvent.count({ where: { action: "mailbox.retention", subjectId: String(short.id) } })).toBe(
      1,
    );
    const deletedAt = new Date(Date.now() + 2000 * DAY);
    await drain(new Date(deletedAt.getTime() + 100 * DAY));
    await deleteMail({
      mailboxId: short.id,
      select: { messageIds: [message.storedMessageId] },
      actorId: agent,
      door: "web",
      now: deletedAt,
    });
    expect((await purgeDeletedMail({ now: new Date(deletedAt.getTime() + DAY) })).messages).toBe(0);
    expect((await purgeDeletedMail({ now: new Date(deletedAt.getTime() + 3 * DAY) })).messages).toBe(1);
    await expect(setDeletedRetention({ mailboxId: short.id, days: 0, actorId: admin })).rejects.toThrow(/Retention/);
  });

  it("keeps a conversation whose other mail is still deleted and restorable", async () => {
    const box = await mailbox();
    const first = await deliver(box.id, { subject: "Staggered", messageId: "stg-1@customer.example" });
    const reply = await deliver(box.id, {
      subject: "Re: Staggered",
      headers: ["References: <stg-1@customer.example>"],
    });
    const t = new Date(Date.now() + 3000 * DAY);
    await drain(new Date(t.getTime() + 100 * DAY));
    await deleteMail({
      mailboxId: box.id,
      select: { messageIds: [first.storedMessageId] },
      actorId: agent,
      door: "web",
      now: t,
    });
    await deleteMail({
      mailboxId: box.id,
      select: { messageIds: [reply.storedMessageId] },
      actorId: agent,
      door: "web",
      now: new Date(t.getTime() + 20 * DAY),
    });
    const purged = await purgeDeletedMail({ now: new Date(t.getTime() + (DELETED_RETENTION_DAYS + 1) * DAY) });
    expect(purged).toMatchObject({ messages: 1, conversations: 0 });
    await restoreMail({ mailboxId: box.id, select: { conversationId: first.conversationId }, actorId: agent });
    expect(await db().conversation.findUniqueOrThrow({ where: { id: first.conversationId } })).toMatchObject({
      deletedAt: null,
      messageCount: 1,
    });
    expect(await inboxIds(box.id)).toEqual([first.conversationId]);
  });
});
