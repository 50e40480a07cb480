// The one deletion path against a real PostgreSQL: exact quota, conversations
// shrinking and disappearing (deleted mail is kept, hidden, for recovery:
// tests/store/recovery.test.ts), the folder's MODSEQ and the ExpungedUid record
// for QRESYNC, audit rows, the live feed and MAIL_CHANNEL, and authority
// (another mailbox's folder or UIDs expunge nothing).
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthorizedMailboxId, authorizeMailbox } from "../../server/access/gate.ts";
import { sql } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { expungeMessages } from "../../server/mail-store/expunge-messages.ts";
import { BLOB_SLICE_OCTETS, readBlobChunks } from "../../server/mail-store/read-blob.ts";
import { EXPUNGED_UIDS_PER_EVENT, MAIL_CHANNEL, type MessageExpungedEvent } from "../../server/realtime/channels.ts";
import { LIVE_CHANNEL } from "../../server/realtime/live-events.ts";
import { useTestDatabase } from "../support/database.ts";
import { customerMail, deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { waitFor } from "../support/wait.ts";

let url = "";
let agent = 0;
let mailboxes = 0;

beforeAll(async () => {
  url = await useTestDatabase();
  await makeDomain("example.com");
  agent = await makeUser("agent@example.com");
});

/** A fresh shared mailbox the agent works in, through the gate as every door gets it. */
async function mailbox(): Promise<{ id: AuthorizedMailboxId; inbox: number }> {
  const id = await makeSharedMailbox(`team${++mailboxes}@example.com`, ["agent@example.com"]);
  const authorized = await authorizeMailbox({ userId: agent, mailboxId: id });
  if (!authorized) throw new Error("not authorized");
  const inbox = await db().folder.findFirstOrThrow({ where: { mailboxId: id, name: "INBOX" } });
  return { id: authorized, inbox: inbox.id };
}

async function uidOf(messageId: number): Promise<number> {
  return (await db().folderMessage.findFirstOrThrow({ where: { messageId } })).uid;
}

async function usage(mailboxId: number) {
  const box = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
  return { bytes: Number(box.usedBytes), messages: box.usedMessages };
}

describe("expungeMessages", () => {
  it("frees exactly the quota, shrinks the conversation, and records the UIDs with the new MODSEQ", async () => {
    const box = await mailbox();
    const first = await deliver(box.id, { subject: "Invoice", messageId: "inv-1@customer.example" });
    const reply = await deliver(box.id, {
      subject: "Re: Invoice",
      headers: ["In-Reply-To: <inv-1@customer.example>", "References: <inv-1@customer.example>"],
    });
    const other = await deliver(box.id, { subject: "Something else" });
    expect(reply.conversationId).toBe(first.conversationId);
    const before = await usage(box.id);
    const { size, blobSha256 } = await db().message.findUniqueOrThrow({ where: { id: reply.storedMessageId } });
    const folderBefore = await db().folder.findUniqueOrThrow({ where: { id: box.inbox } });

    const result = await expungeMessages({
      mailboxId: box.id,
      folderId: box.inbox,
      select: { uids: [await uidOf(reply.storedMessageId)] },
      actorId: agent,
      door: "imap",
      ip: "192.0.2.7",
    });

    expect(result.modseq).toBe(folderBefore.highestModseq + 1n);
    expect(result.expunged).toEqual([
      {
        uid: await uidOfExpunged(box.inbox, result.modseq as bigint),
        messageId: reply.storedMessageId,
        conversationId: first.conversationId,
        size,
        messageRemoved: true,
      },
    ]);
    expect(result).toMatchObject({ freedBytes: size, freedMessages: 1, removedConversationIds: [] });
    expect(await usage(box.id)).toEqual({ bytes: before.bytes - size, messages: before.messages - 1 });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: first.conversationId } });
    expect(conversation.messageCount).toBe(1);
    // Deleted mail is kept for recovery: out of its conversation, with where it was filed.
    expect(await db().message.findUniqueOrThrow({ where: { id: reply.storedMessageId } })).toMatchObject({
      conversationId: null,
      deletedConversationId: first.conversationId,
      deletedVia: "imap",
      deletedById: agent,
    });
    expect((await db().message.findUniqueOrThrow({ where: { id: other.storedMessageId } })).deletedAt).toBeNull();
    // The blob stays: content-addressed and maybe shared; a retention job purges unreferenced ones.
    expect(await db().blob.findUnique({ where: { sha256: blobSha256 }, select: { size: true } })).toEqual({ size });
    const audit = await db().auditEvent.findMany({ where: { action: "message.expunge" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: agent,
      subjectType: "message",
      subjectId: String(reply.storedMessageId),
      ip: "192.0.2.7",
      after: { door: "imap" },
    });
    expect(
      await db().auditEvent.count({ where: { action: "message.delete", subjectId: String(reply.storedMessageId) } }),
    ).toBe(1);
  });

  it("hides a conversation left with no message, and leaves the inbox without it", async () => {
    const box = await mailbox();
    const lone = await deliver(box.id, { subject: "Only one" });
    const result = await expungeMessages({
      mailboxId: box.id,
      folderId: box.inbox,
      select: { messageIds: [lone.storedMessageId] },
      actorId: null,
      door: "web",
    });
    expect(result.removedConversationIds).toEqual([lone.conversationId]);
    expect(
      (await db().conversation.findUniqueOrThrow({ where: { id: lone.conversationId } })).deletedAt,
    ).not.toBeNull();
    expect(await usage(box.id)).toEqual({ bytes: 0, messages: 0 });
    const removal = await db().auditEvent.findFirstOrThrow({
      where: { action: "conversation.delete", subjectId: String(lone.conversationId) },
    });
    expect(removal.before).toMatchObject({ subject: "Only one", status: "open" });
  });

  it("keeps a message still filed in another folder (and its quota), removing only this entry", async () => {
    const box = await mailbox();
    const kept = await deliver(box.id, { subject: "Filed twice" });
    const archive = await db().folder.findFirstOrThrow({ where: { mailboxId: box.id, name: { not: "INBOX" } } });
    // What IMAP COPY will do (no domain function for it yet): a second entry for the same message.
    await sql.$queryRaw`
      with folder as (
        update "Folder" set "uidNext" = "uidNext" + 1, "highestModseq" = "highestModseq" + 1
        where id = ${archive.id}::int returning "uidNext" - 1 as uid, "highestModseq" as modseq
      )
      insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
      select ${archive.id}::int, ${kept.storedMessageId}::int, uid, modseq, '{}' from folder`;
    const before = await usage(box.id);
    const result = await expungeMessages({
      mailboxId: box.id,
      folderId: box.inbox,
      select: { messageIds: [kept.storedMessageId] },
      actorId: agent,
      door: "imap",
    });
    expect(result.expunged.map((e) => e.messageRemoved)).toEqual([false]);
    expect(result.freedMessages).toBe(0);
    expect(await usage(box.id)).toEqual(before);
    expect(await db().conversation.findUniqueOrThrow({ where: { id: kept.conversationId } })).toMatchObject({
      messageCount: 1,
    });
  });

  it("expunges nothing through another mailbox's folder or UIDs (authority stays with the gate)", async () => {
    const mine = await mailbox();
    const theirs = await mailbox();
    const message = await deliver(theirs.id, { subject: "Not yours" });
    const uid = await uidOf(message.storedMessageId);
    for (const folderId of [theirs.inbox, mine.inbox]) {
      const result = await expungeMessages({
        mailboxId: mine.id,
        folderId,
        select: { uids: [uid] },
        actorId: agent,
        door: "imap",
      });
      expect(result).toMatchObject({ modseq: null, expunged: [] });
    }
    const result = await expungeMessages({
      mailboxId: mine.id,
      folderId: mine.inbox,
      select: { messageIds: [message.storedMessageId] },
      actorId: agent,
      door: "web",
    });
    expect(result.expunged).toEqual([]);
    expect((await db().message.findUniqueOrThrow({ where: { id: message.storedMessageId } })).deletedAt).toBeNull();
  });

  // 503 deliveries through the one write path: allow for a loaded machine.
  it("tells browsers (LiveEvent + NOTIFY) and protocol sessions (MAIL_CHANNEL, in chunks) at commit", {
    timeout: 180_000,
  }, async () => {
    const box = await mailbox();
    const delivered = [];
    for (let i = 0; i < EXPUNGED_UIDS_PER_EVENT + 3; i++) {
      delivered.push(await deliver(box.id, customerMail({ subject: i < 2 ? `Thread ${i}` : "Bulk" }).raw));
    }
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const mail: MessageExpungedEvent[] = [];
    const live: { kind: string; conversationId: number | null }[] = [];
    listener.on("notification", (n) => {
      const payload = JSON.parse(n.payload ?? "null");
      if (n.channel === MAIL_CHANNEL) mail.push(payload);
      else live.push(payload);
    });
    await listener.query(`listen ${MAIL_CHANNEL}; listen ${LIVE_CHANNEL}`);
    try {
      const result = await expungeMessages({
        mailboxId: box.id,
        folderId: box.inbox,
        select: { messageIds: delivered.map((d) => d.storedMessageId) },
        actorId: agent,
        door: "pop3",
      });
      expect(result.expunged).toHaveLength(delivered.length);
      const conversations = new Set(delivered.map((d) => d.conversationId));
      await waitFor("every notice", () => mail.length === 2 && live.length === conversations.size);
      expect(mail.map((m) => m.uids.length)).toEqual([EXPUNGED_UIDS_PER_EVENT, 3]);
      expect(mail.flatMap((m) => m.uids)).toEqual(result.expunged.map((e) => e.uid));
      for (const m of mail) {
        expect(m).toMatchObject({ kind: "message.expunged", mailboxId: box.id, folderId: box.inbox });
        expect(m.modseq).toBe(String(result.modseq));
      }
      expect(new Set(live.map((l) => l.conversationId))).toEqual(conversations);
      expect(live.every((l) => l.kind === "message.expunged")).toBe(true);
      expect(await db().expungedUid.count({ where: { folderId: box.inbox, modseq: result.modseq as bigint } })).toBe(
        delivered.length,
      );
      expect(await usage(box.id)).toEqual({ bytes: 0, messages: 0 });
      expect(await db().conversation.count({ where: { mailboxId: box.id, deletedAt: null } })).toBe(0);
    } finally {
      await listener.end();
    }
  });

  it("rolls back everything when any step fails", async () => {
    const box = await mailbox();
    const message = await deliver(box.id, { subject: "Stays" });
    const before = await usage(box.id);
    await sql.$queryRaw`
      create or replace function yubin_test_fail() returns trigger language plpgsql as $$
      begin raise exception 'audit down'; end $$`;
    await sql.$queryRaw`create trigger fail_audit before insert on "AuditEvent" for each row execute function yubin_test_fail()`;
    try {
      await expect(
        expungeMessages({
          mailboxId: box.id,
          folderId: box.inbox,
          select: { messageIds: [message.storedMessageId] },
          actorId: agent,
          door: "pop3",
        }),
      ).rejects.toThrow(/audit down/);
    } finally {
      await sql.$queryRaw`drop trigger fail_audit on "AuditEvent"`;
    }
    expect((await db().message.findUniqueOrThrow({ where: { id: message.storedMessageId } })).deletedAt).toBeNull();
    expect(await usage(box.id)).toEqual(before);
    expect(await db().expungedUid.count({ where: { folderId: box.inbox } })).toBe(0);
  });
});

describe("readBlobChunks", () => {
  it("reads a small blob in one piece and a large one in slices, byte for byte", async () => {
    const box = await mailbox();
    const body = "0123456789abcdef\r\n".repeat(5000);
    const message = await deliver(box.id, { subject: "Big", text: body });
    const stored = await db().message.findUniqueOrThrow({
      where: { id: message.storedMessageId },
      include: { blob: true },
    });
    const whole: Buffer[] = [];
    for await (const chunk of readBlobChunks(stored.blobSha256)) whole.push(chunk);
    expect(whole).toHaveLength(stored.size <= BLOB_SLICE_OCTETS ? 1 : Math.ceil(stored.size / BLOB_SLICE_OCTETS));
    expect(Buffer.concat(whole).equals(Buffer.from(stored.blob.bytes))).toBe(true);
    const sliced: Buffer[] = [];
    for await (const chunk of readBlobChunks(stored.blobSha256, 4096)) sliced.push(chunk);
    expect(sliced).toHaveLength(Math.ceil(stored.size / 4096));
    expect(Buffer.concat(sliced).equals(Buffer.from(stored.blob.bytes))).toBe(true);
    await expect(readBlobChunks("0".repeat(64)).next()).rejects.toThrow(/not stored/);
  });
});

async function uidOfExpunged(folderId: number, modseq: bigint): Promise<number> {
  return (await db().expungedUid.findFirstOrThrow({ where: { folderId, modseq } })).uid;
}
