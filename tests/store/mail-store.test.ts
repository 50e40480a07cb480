// The one write path against a real PostgreSQL: blobs, UIDs, counters,
// duplicates, quota, threading, notifications and atomicity.
import { readFileSync } from "node:fs";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { resolveRecipient } from "../../server/mail-store/resolve-recipient.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { MAIL_CHANNEL } from "../../server/realtime/channels.ts";
import { outboundMessageId } from "../../server/threading/reply-token.ts";
import { useTestDatabase } from "../support/database.ts";
import { waitFor } from "../support/wait.ts";

let url = "";
let support = 0;
let sales = 0;

function mail(opts: {
  id?: string;
  from?: string;
  subject?: string;
  body?: string;
  inReplyTo?: string;
  references?: string;
}) {
  const lines = [
    `From: ${opts.from ?? "Kana Sato <kana@customer.jp>"}`,
    "To: support@example.com",
    `Subject: ${opts.subject ?? "Invoice question"}`,
    `Message-ID: <${opts.id ?? `${Math.random().toString(36).slice(2)}@customer.jp`}>`,
    "Date: Sat, 28 Nov 2026 09:00:00 +0900",
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    ...(opts.references ? [`References: ${opts.references}`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    opts.body ?? "Hello, I have a question about my invoice.",
    "",
  ];
  return Buffer.from(lines.join("\r\n"));
}

async function stored(raw: Buffer, mailboxIds = [support]) {
  const [first, ...rest] = await storeMessage({ raw, mailboxIds, direction: "inbound" });
  if (first?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(first)}`);
  return [first, ...rest] as const;
}

beforeAll(async () => {
  url = await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  support = (await createMailbox({ address: "support@example.com", kind: "shared", actorId: null })).id;
  sales = (await createMailbox({ address: "sales@example.com", kind: "shared", actorId: null })).id;
});

describe("storeMessage", () => {
  it("stores one blob for two mailboxes, with UIDs, counters, conversations and a NOTIFY after commit", async () => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: unknown[] = [];
    listener.on("notification", (n) => heard.push(JSON.parse(n.payload ?? "null")));
    await listener.query(`listen ${MAIL_CHANNEL}`);

    const raw = mail({ id: "first@customer.jp" });
    const [a, b] = await stored(raw, [support, sales]);
    expect(b).toMatchObject({ outcome: "stored", mailboxId: sales, uid: 1 });
    expect(a).toMatchObject({ outcome: "stored", mailboxId: support, uid: 1 });
    expect(await db().blob.count()).toBe(1);
    const messages = await db().message.findMany({
      where: { messageIdHeader: "first@customer.jp" },
      include: { entries: true },
    });
    expect(messages).toHaveLength(2);
    expect(new Set(messages.map((m) => m.blobSha256)).size).toBe(1);
    for (const m of messages) {
      expect(m.size).toBe(raw.length);
      expect(m.threadReason).toBe("new");
      expect(m.subject).toBe("Invoice question");
      expect(m.fromAddress).toBe("kana@customer.jp");
      expect(m.entries.map((e) => e.uid)).toEqual([1]);
    }
    const box = await db().mailbox.findUniqueOrThrow({ where: { id: support } });
    expect(box.usedBytes).toBe(BigInt(raw.length));
    expect(box.usedMessages).toBe(1);
    const inbox = await db().folder.findFirstOrThrow({ where: { mailboxId: support, name: "INBOX" } });
    expect(inbox.uidNext).toBe(2);
    const conversation = await db().conversation.findUniqueOrThrow({
      where: { id: a.conversationId },
      include: { contact: true },
    });
    expect(conversation).toMatchObject({ messageCount: 1, status: "open", subject: "Invoice question" });
    expect(conversation.contact?.email).toBe("kana@customer.jp");

    // PostgreSQL delivers notifications in commit order: once a NOTIFY sent after the store
    // arrives, every notification of the store's transaction has arrived before it.
    await db().$executeRaw`select pg_notify(${MAIL_CHANNEL}, '"fence"')`;
    await waitFor("the fence notification", () => heard.includes("fence"));
    await listener.end();
    expect(heard.filter((n) => n !== "fence")).toHaveLength(2);
    const live = await db().liveEvent.findMany({ where: { kind: "message.stored" }, orderBy: { id: "asc" } });
    expect(live.map((e) => [e.mailboxId, e.conversationId])).toEqual([
      [support, a.conversationId],
      [sales, b?.outcome === "stored" ? b.conversationId : null],
    ]);
    expect(heard).toContainEqual({
      kind: "message.stored",
      mailboxId: support,
      folderId: inbox.id,
      uid: 1,
      messageId: messages.find((m) => m.mailboxId === support)?.id,
      conversationId: a.conversationId,
    });
  });

  it("recognises an identical redelivery and stores nothing, but keeps a different body under the same Message-ID", async () => {
    const before = await db().mailbox.findUniqueOrThrow({ where: { id: support } });
    const again = await storeMessage({
      raw: mail({ id: "first@customer.jp" }),
      mailboxIds: [support],
      direction: "inbound",
    });
    expect(again[0]?.outcome).toBe("duplicate");
    const after = await db().mailbox.findUniqueOrThrow({ where: { id: support } });
    expect(after.usedMessages).toBe(before.usedMessages);
    expect(after.usedBytes).toBe(before.usedBytes);
    const different = await storeMessage({
      raw: mail({ id: "first@customer.jp", body: "Another text." }),
      mailboxIds: [support],
      direction: "inbound",
    });
    expect(different[0]).toMatchObject({ outcome: "stored", uid: 2 });
  });

  it("compares the whole message but its trace fields: another From or To under the same Message-ID and body is another message (issue 10 item 15)", async () => {
    const id = "same-id-and-body@customer.jp";
    const first = mail({ id, from: "Kana Sato <kana@customer.jp>" });
    expect((await storeMessage({ raw: first, mailboxIds: [support], direction: "inbound" }))[0]?.outcome).toBe(
      "stored",
    );
    const otherSender = mail({ id, from: "Someone Else <else@customer.jp>" });
    expect((await storeMessage({ raw: otherSender, mailboxIds: [support], direction: "inbound" }))[0]?.outcome).toBe(
      "stored",
    );
    const otherRecipient = Buffer.from(first.toString("latin1").replace("To: support@", "To: sales@"), "latin1");
    expect((await storeMessage({ raw: otherRecipient, mailboxIds: [support], direction: "inbound" }))[0]?.outcome).toBe(
      "stored",
    );
    // The same message again, by another route: new trace fields on top, one folded over two lines.
    const trace = [
      "Received: from relay2.example.net (relay2.example.net [192.0.2.7])",
      "\tby mx.example.com with ESMTPS id 9f8e7d; Sat, 28 Nov 2026 09:05:00 +0000",
      "Return-Path: <bounces@customer.jp>",
      "Delivered-To: support@example.com",
      "X-Original-To: support@example.com",
      "Received-SPF: pass (example.com: domain of customer.jp designates 192.0.2.7 as permitted sender)",
      "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=customer.jp",
      "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=relay.example; s=arc; b=abc",
      "X-Yubin-Spam: no",
      "",
    ].join("\r\n");
    const again = await storeMessage({
      raw: Buffer.concat([Buffer.from(trace), first]),
      mailboxIds: [support],
      direction: "inbound",
    });
    expect(again[0]?.outcome).toBe("duplicate");
    const ids = await db().message.findMany({ where: { messageIdHeader: id }, select: { fromAddress: true } });
    expect(ids.map((m) => m.fromAddress).sort()).toEqual(["else@customer.jp", "kana@customer.jp", "kana@customer.jp"]);
  });

  it("still recognises a redelivery of a message stored before the content hash existed, by Message-ID and body", async () => {
    const raw = mail({ id: "stored-before-upgrade@customer.jp" });
    const [stored] = await storeMessage({ raw, mailboxIds: [support], direction: "inbound" });
    if (stored?.outcome !== "stored") throw new Error("not stored");
    // What the migration leaves on older rows.
    await db().message.update({ where: { id: stored.messageId }, data: { contentHash: null } });
    const trace = Buffer.from(
      "Received: from retry.customer.jp by mx.example.com; Sat, 28 Nov 2026 10:00:00 +0000\r\n",
    );
    const [again] = await storeMessage({
      raw: Buffer.concat([trace, raw]),
      mailboxIds: [support],
      direction: "inbound",
    });
    expect(again).toEqual({ mailboxId: support, outcome: "duplicate", messageId: stored.messageId });
  });

  it("assigns unique, increasing UIDs and exact counters under concurrent delivery", async () => {
    const box = await db().mailbox.create({
      data: {
        address: "busy@example.com",
        kind: "shared",
        displayName: "busy",
        domainId: (await db().domain.findFirstOrThrow()).id,
        folders: { create: [{ name: "INBOX", uidValidity: 1 }] },
      },
    });
    const raws = Array.from({ length: 40 }, (_, i) => mail({ subject: `Order ${i}`, body: `body ${i}` }));
    const results = await Promise.all(
      raws.map((raw) => storeMessage({ raw, mailboxIds: [box.id], direction: "inbound" })),
    );
    const uids = results.map((r) => (r[0]?.outcome === "stored" ? r[0].uid : -1)).sort((x, y) => x - y);
    expect(uids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const after = await db().mailbox.findUniqueOrThrow({ where: { id: box.id } });
    expect(after.usedMessages).toBe(40);
    expect(after.usedBytes).toBe(BigInt(raws.reduce((n, r) => n + r.length, 0)));
  });

  it("refuses a mailbox over quota while storing for the others", async () => {
    const tiny = await createMailbox({ address: "tiny@example.com", kind: "shared", quotaBytes: 100, actorId: null });
    const results = await storeMessage({ raw: mail({}), mailboxIds: [tiny.id, support], direction: "inbound" });
    expect(results.find((r) => r.mailboxId === tiny.id)?.outcome).toBe("over_quota");
    expect(results.find((r) => r.mailboxId === support)?.outcome).toBe("stored");
    expect(await db().message.count({ where: { mailboxId: tiny.id } })).toBe(0);
    expect(await resolveRecipient("tiny@example.com")).toEqual({
      kind: "local",
      mailboxIds: [tiny.id],
      dmarc: "policy",
    });
    await db().mailbox.update({ where: { id: tiny.id }, data: { usedBytes: 100 } });
    expect(await resolveRecipient("tiny@example.com")).toEqual({ kind: "full", mailboxId: tiny.id });
  });

  it("writes nothing at all when the transaction fails", async () => {
    const broken = await db().mailbox.create({
      data: {
        address: "nofolder@example.com",
        kind: "shared",
        displayName: "x",
        domainId: (await db().domain.findFirstOrThrow()).id,
      },
    });
    const counts = async () => ({
      blobs: await db().blob.count(),
      messages: await db().message.count(),
      conversations: await db().conversation.count(),
      entries: await db().folderMessage.count(),
      support: (await db().mailbox.findUniqueOrThrow({ where: { id: support } })).usedMessages,
    });
    const before = await counts();
    await expect(
      storeMessage({ raw: mail({ subject: "Atomic" }), mailboxIds: [support, broken.id], direction: "inbound" }),
    ).rejects.toThrow(/has no folder INBOX/);
    expect(await counts()).toEqual(before);
  });

  it("writes nothing when a single-mailbox delivery cannot complete", async () => {
    const broken = await db().mailbox.create({
      data: {
        address: "nofolder2@example.com",
        kind: "shared",
        displayName: "x",
        domainId: (await db().domain.findFirstOrThrow()).id,
      },
    });
    const before = { messages: await db().message.count(), conversations: await db().conversation.count() };
    await expect(
      storeMessage({ raw: mail({ subject: "Atomic alone" }), mailboxIds: [broken.id], direction: "inbound" }),
    ).rejects.toThrow(/has no folder INBOX/);
    expect({ messages: await db().message.count(), conversations: await db().conversation.count() }).toEqual(before);
  });

  it("stores one of many identical copies arriving at once, and leaves no empty conversation", async () => {
    const raw = mail({ id: "race@customer.jp", subject: "Race" });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => storeMessage({ raw, mailboxIds: [support], direction: "inbound" })),
    );
    const outcomes = results.map((r) => r[0]?.outcome).sort();
    expect(outcomes).toEqual([
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "stored",
    ]);
    expect(await db().message.count({ where: { messageIdHeader: "race@customer.jp" } })).toBe(1);
    expect(await db().conversation.count({ where: { subject: "Race" } })).toBe(1);
    expect(await db().conversation.count({ where: { messages: { none: {} } } })).toBe(0);
  });

  it("stores a message it cannot parse, raw, with the reason", async () => {
    const raw = Buffer.from("this is not\r\na mail message at all\x00\xff\xfe");
    const [r] = await storeMessage({ raw, mailboxIds: [support], direction: "inbound" });
    expect(r?.outcome).toBe("stored");
    const blob = await db().blob.findFirstOrThrow({ where: { size: raw.length } });
    expect(Buffer.from(blob.bytes).equals(raw)).toBe(true);
  });
});

describe("text PostgreSQL cannot hold (issue 10 item 5)", () => {
  it("stores NUL from an encoded-word, a quoted-printable body and an RFC 2231 filename as U+FFFD, raw byte-exact", async () => {
    const raw = readFileSync(new URL("../fixtures/mail/nul-characters.eml", import.meta.url));
    const [r] = await storeMessage({
      raw,
      mailboxIds: [support],
      direction: "inbound",
      authResults: { header: "Authentication-Results: mx; spf=none smtp.mailfrom=nul\u0000@example.net" },
    });
    expect(r?.outcome).toBe("stored");
    const message = await db().message.findFirstOrThrow({ where: { messageIdHeader: "nul.1@example.net" } });
    expect(message).toMatchObject({
      subject: "before\ufffdafter",
      fromName: "Null\ufffdSender",
      textBody: "line one\ufffdline two",
      snippet: "line one\ufffdline two",
      attachments: [expect.objectContaining({ filename: "bad\ufffdname.txt" })],
      authResults: { header: expect.stringContaining("nul\ufffd@example.net") },
    });
    const conversation = await db().conversation.findFirstOrThrow({ where: { id: message.conversationId as number } });
    expect(conversation.subject).toBe("before\ufffdafter");
    const blob = await db().blob.findUniqueOrThrow({ where: { sha256: message.blobSha256 } });
    expect(Buffer.from(blob.bytes).equals(raw)).toBe(true);
  });
});

describe("malformed mail (issue 10 items 13 and 14)", () => {
  it("stores the text of a message whose header has no empty line after it, marked malformed for the reader", async () => {
    const raw = readFileSync(new URL("../fixtures/mail/no-blank-line.eml", import.meta.url));
    const [r] = await storeMessage({ raw, mailboxIds: [support], direction: "inbound" });
    if (r?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(r)}`);
    const message = await db().message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(message).toMatchObject({
      subject: "no blank line",
      textBody: "Order 1234: delayed\nIt was due on Friday.\nThanks\n",
      malformed: "missing-blank-line",
      parseError: null,
    });
  });

  it("stores a bounce from MAILER DAEMON <> under its display name", async () => {
    const raw = readFileSync(new URL("../fixtures/mail/empty-address-from.eml", import.meta.url));
    const [r] = await storeMessage({ raw, mailboxIds: [support], direction: "inbound" });
    if (r?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(r)}`);
    const message = await db().message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(message).toMatchObject({ fromName: "MAILER DAEMON", fromAddress: "", malformed: null });
  });
});

describe("resolveRecipient", () => {
  it("finds mailboxes by address, alias and subaddress, and tells unknown from foreign", async () => {
    await db().alias.create({ data: { address: "help@example.com", mailboxId: support } });
    expect(await resolveRecipient("Support@Example.com")).toEqual({
      kind: "local",
      mailboxIds: [support],
      dmarc: "policy",
    });
    expect(await resolveRecipient("help@example.com")).toEqual({
      kind: "local",
      mailboxIds: [support],
      dmarc: "policy",
    });
    expect(await resolveRecipient("support+billing@example.com")).toEqual({
      kind: "local",
      mailboxIds: [support],
      dmarc: "policy",
    });
    expect(await resolveRecipient("help+x@example.com.")).toEqual({
      kind: "local",
      mailboxIds: [support],
      dmarc: "policy",
    });
    expect(await resolveRecipient("sales@example.com")).toEqual({
      kind: "local",
      mailboxIds: [sales],
      dmarc: "policy",
    });
    expect(await resolveRecipient("nobody@example.com")).toEqual({ kind: "unknown" });
    expect(await resolveRecipient("support@example.org")).toEqual({ kind: "foreign" });
  });
});

describe("threading", () => {
  async function conversationOf(raw: Buffer) {
    const [r] = await stored(raw);
    const m = await db().message.findUniqueOrThrow({ where: { id: r.messageId } });
    return { conversationId: r.conversationId, reason: m.threadReason };
  }

  it("follows In-Reply-To and References", async () => {
    const start = await conversationOf(mail({ id: "t1@customer.jp", subject: "Delivery date" }));
    expect(start.reason).toBe("new");
    const reply = await conversationOf(mail({ subject: "Something else entirely", inReplyTo: "t1@customer.jp" }));
    expect(reply).toEqual({ conversationId: start.conversationId, reason: "references" });
    const deeper = await conversationOf(mail({ subject: "x", references: "<unknown@x> <t1@customer.jp>" }));
    expect(deeper).toEqual({ conversationId: start.conversationId, reason: "references" });
  });

  it("follows Yubin's own Message-ID token, only within the same mailbox", async () => {
    const start = await conversationOf(mail({ subject: "Refund" }));
    const token = outboundMessageId(start.conversationId, "example.com");
    const reply = await conversationOf(mail({ subject: "no subject match", inReplyTo: token }));
    expect(reply).toEqual({ conversationId: start.conversationId, reason: "reply_token" });
    const [elsewhere] = await stored(mail({ subject: "Refund", inReplyTo: token }), [sales]);
    expect(elsewhere.conversationId).not.toBe(start.conversationId);
  });

  it("files Yubin's own outbound copy in the conversation its Message-ID names", async () => {
    const start = await conversationOf(mail({ id: "no-refs@customer.jp", subject: "Question without ids" }));
    const ours = outboundMessageId(start.conversationId, "example.com");
    const [copy] = await storeMessage({
      raw: mail({ id: ours, from: "support@example.com", subject: "Answer" }),
      mailboxIds: [support],
      direction: "outbound",
      folder: "Sent",
    });
    expect(copy).toMatchObject({ outcome: "stored", conversationId: start.conversationId });
  });

  it("follows a [#id] subject token", async () => {
    const start = await conversationOf(mail({ subject: "Broken login" }));
    const reply = await conversationOf(
      mail({ from: "other@elsewhere.org", subject: `Re: [#${start.conversationId}] Broken login` }),
    );
    expect(reply).toEqual({ conversationId: start.conversationId, reason: "subject_token" });
  });

  it("joins a reply-prefixed subject from the same customer, not from someone else and not without a prefix", async () => {
    const start = await conversationOf(mail({ from: "Taro <taro@customer.jp>", subject: "請求書の再発行について" }));
    const reply = await conversationOf(mail({ from: "taro@customer.jp", subject: "ＲＥ：請求書の再発行について" }));
    expect(reply).toEqual({ conversationId: start.conversationId, reason: "subject_sender" });
    const japanese = await conversationOf(mail({ from: "taro@customer.jp", subject: "返信: 請求書の再発行について" }));
    expect(japanese.conversationId).toBe(start.conversationId);
    const stranger = await conversationOf(mail({ from: "hanako@other.jp", subject: "Re: 請求書の再発行について" }));
    expect(stranger.reason).toBe("new");
    const fresh = await conversationOf(mail({ from: "taro@customer.jp", subject: "請求書の再発行について" }));
    expect(fresh.reason).toBe("new");
  });

  it("reopens a pending or closed conversation when the customer writes again", async () => {
    const start = await conversationOf(mail({ id: "reopen@customer.jp", subject: "Password reset" }));
    await db().conversation.update({ where: { id: start.conversationId }, data: { status: "closed" } });
    await conversationOf(mail({ subject: "Re: Password reset", inReplyTo: "reopen@customer.jp" }));
    const c = await db().conversation.findUniqueOrThrow({ where: { id: start.conversationId } });
    expect(c.status).toBe("open");
    expect(c.messageCount).toBe(2);
  });
});
