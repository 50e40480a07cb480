// Approval (確認者) at the submission door: a member whose replies need a
// reviewer sends as the shared mailbox from a mail client over port 587. The
// message must not leave: it waits in the same review queue as a reply from
// the browser, with the exact bytes the client sent, and goes out only when a
// reviewer approves it. One that answers no conversation is refused with
// 550 5.7.1. Mail the member sends as a mailbox without the switch leaves at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { type SubmissionServer, startSubmissionServer } from "../../mail-daemons/smtp/submission-server.ts";
import { submissionStoreBackend } from "../../mail-daemons/smtp/submission-store-backend.ts";
import { approveReply } from "../../server/approval/approve-reply.ts";
import { reviewQueue } from "../../server/approval/review-queues.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { getBlob } from "../../server/mail-store/store-blob.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeUser } from "../support/factories.ts";
import { PASSWORD, seedOutbound } from "../support/outbound-fixtures.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

let server: SubmissionServer;
let ids: Awaited<ReturnType<typeof seedOutbound>>;
let reviewerId = 0;
let conversationId = 0;
const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString("base64");

beforeAll(async () => {
  await useTestDatabase();
  ids = await seedOutbound();
  // alice's replies as support@ need a reviewer; carol reviews them.
  await db().membership.updateMany({
    where: { mailboxId: ids.support.id, userId: ids.alice.id },
    data: { needsApproval: true },
  });
  reviewerId = await makeUser("carol@example.com", { name: "Carol Reviewer" });
  await db().membership.create({ data: { mailboxId: ids.support.id, userId: reviewerId, reviewer: true } });
  conversationId = (
    await deliver(ids.support.id, {
      from: "Kana <kana@customer.example>",
      subject: "Invoice",
      messageId: "invoice-1@customer.example",
    })
  ).conversationId;
  const tls = await loadTlsCredentials({ dataDir: scratchDir("yubin-sub-approval-"), hostname: "mail.example.com" });
  server = await startSubmissionServer({
    port: 0,
    host: "127.0.0.1",
    hostname: "mail.example.com",
    tls,
    implicitTls: false,
    backend: submissionStoreBackend("mail.example.com"),
    log: () => {},
  });
});

afterAll(async () => {
  await server?.close();
  await disconnectDb();
});

/** One submission transaction as alice, over STARTTLS with AUTH PLAIN; the DATA reply. */
async function submit(mailFrom: string, recipients: string[], message: string) {
  const { client } = await SmtpClient.connect(server.port);
  expect((await client.send("EHLO client.example.net")).code).toBe(250);
  expect((await client.startTls()).code).toBe(220);
  expect((await client.send("EHLO client.example.net")).code).toBe(250);
  expect((await client.send(`AUTH PLAIN ${plain("alice@example.com", PASSWORD)}`)).code).toBe(235);
  expect((await client.send(`MAIL FROM:<${mailFrom}>`)).code).toBe(250);
  for (const r of recipients) expect((await client.send(`RCPT TO:<${r}>`)).code).toBe(250);
  expect((await client.send("DATA")).code).toBe(354);
  client.write(`${message}.\r\n`);
  const reply = await client.reply();
  await client.send("QUIT");
  client.close();
  return reply;
}

const reply = [
  "From: Example Support <support@example.com>",
  "To: Kana <kana@customer.example>",
  "Subject: Re: Invoice",
  "Message-ID: <held-1@client.example>",
  "Date: Thu, 03 Dec 2026 09:00:00 +0900",
  "In-Reply-To: <invoice-1@customer.example>",
  "References: <invoice-1@customer.example>",
  "",
  "The corrected invoice is attached.  Trailing spaces stay.   ",
  "",
].join("\r\n");

describe("submission by a member who needs approval", () => {
  it("holds a reply as the shared mailbox in the review queue with its exact bytes; nothing leaves", async () => {
    const queued = await db().outboundMessage.count();
    const sent = await db().message.count({ where: { direction: "outbound" } });
    const answer = await submit("support@example.com", ["kana@customer.example", "boss@customer.example"], reply);
    expect(answer.code).toBe(250);
    expect(await db().outboundMessage.count()).toBe(queued);
    expect(await db().message.count({ where: { direction: "outbound" } })).toBe(sent);

    const held = await db().pendingReply.findFirstOrThrow({ where: { authorId: ids.alice.id } });
    expect(held).toMatchObject({ conversationId, mailboxId: ids.support.id, state: "pending" });
    expect((await getBlob(held.blobSha256 as string))?.equals(Buffer.from(reply))).toBe(true);
    // The reviewer sees it in the same queue as a composer reply, with what it says and to whom.
    const [waiting] = await reviewQueue(reviewerId);
    expect(waiting).toMatchObject({
      id: held.id,
      source: "submission",
      conversationId,
      subject: "Re: Invoice",
      to: "Kana <kana@customer.example>",
      bcc: "boss@customer.example",
      conversationSubject: "Invoice",
    });
    expect(waiting?.text).toContain("The corrected invoice is attached.");
    expect(await db().auditEvent.count({ where: { action: "reply.held" } })).toBe(1);

    // Approved: sent once, with the client's bytes after our signature, to the envelope it was submitted with.
    const approved = await approveReply({ reviewerId, pendingReplyId: held.id, hostname: "mail.example.com" });
    const outbound = await db().outboundMessage.findFirstOrThrow({
      where: { messageIdHeader: "held-1@client.example" },
      include: { blob: true, jobs: true },
    });
    const raw = Buffer.from(outbound.blob.bytes);
    expect(raw.subarray(raw.length - reply.length).equals(Buffer.from(reply))).toBe(true);
    expect(outbound.mailFrom).toBe("support@example.com");
    expect(outbound.jobs.flatMap((j) => (j.recipients as { address: string }[]).map((r) => r.address)).sort()).toEqual([
      "boss@customer.example",
      "kana@customer.example",
    ]);
    const copy = await db().message.findUniqueOrThrow({ where: { id: approved.messageId as number } });
    expect(copy).toMatchObject({ conversationId, direction: "outbound", mailboxId: ids.support.id });
    expect(await db().pendingReply.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({
      state: "approved",
      reviewerId,
      sentMessageId: copy.id,
    });
  });

  it("refuses with 550 5.7.1 a message that answers no conversation, keeping nothing", async () => {
    const held = await db().pendingReply.count();
    const queued = await db().outboundMessage.count();
    const answer = await submit(
      "support@example.com",
      ["new@customer.example"],
      "From: support@example.com\r\nTo: new@customer.example\r\nSubject: Hello\r\n\r\nA new conversation.\r\n",
    );
    expect(answer.last).toMatch(/^550 5\.7\.1 .*needs a reviewer's approval/);
    expect(await db().pendingReply.count()).toBe(held);
    expect(await db().outboundMessage.count()).toBe(queued);
  });

  it("holds it too when only the From: header names the shared mailbox", async () => {
    const queued = await db().outboundMessage.count();
    const answer = await submit(
      "alice@example.com",
      ["kana@customer.example"],
      reply.replace("held-1@client.example", "held-2@client.example"),
    );
    expect(answer.code).toBe(250);
    expect(await db().outboundMessage.count()).toBe(queued);
    expect(await db().pendingReply.count({ where: { state: "pending", authorId: ids.alice.id } })).toBe(1);
  });

  it("sends at once as a mailbox where the member needs no approval", async () => {
    const queued = await db().outboundMessage.count();
    const answer = await submit(
      "alice@example.com",
      ["kana@customer.example"],
      "From: alice@example.com\r\nTo: kana@customer.example\r\nSubject: From me\r\nMessage-ID: <own-1@example.com>\r\n\r\nHi.\r\n",
    );
    expect(answer.code).toBe(250);
    expect(await db().outboundMessage.count()).toBe(queued + 1);
  });
});
