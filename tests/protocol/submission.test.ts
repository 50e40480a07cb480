import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { type SubmissionServer, startSubmissionServer } from "../../mail-daemons/smtp/submission-server.ts";
import { submissionStoreBackend } from "../../mail-daemons/smtp/submission-store-backend.ts";
import { db } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { PASSWORD, seedOutbound } from "../support/outbound-fixtures.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

let starttls: SubmissionServer;
let implicit: SubmissionServer;
let ids: Awaited<ReturnType<typeof seedOutbound>>;
const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString("base64");

beforeAll(async () => {
  await useTestDatabase();
  ids = await seedOutbound();
  const tls = await loadTlsCredentials({
    dataDir: scratchDir("yubin-sub-"),
    hostname: "mail.example.com",
  });
  const common = {
    port: 0,
    host: "127.0.0.1",
    hostname: "mail.example.com",
    tls,
    backend: submissionStoreBackend("mail.example.com"),
    log: () => {},
  };
  starttls = await startSubmissionServer({ ...common, implicitTls: false });
  implicit = await startSubmissionServer({ ...common, implicitTls: true });
});

afterAll(async () => {
  await starttls?.close();
  await implicit?.close();
});

async function session(options: { tls?: boolean; login?: [string, string] } = {}) {
  const { client, greeting } = await SmtpClient.connect(starttls.port);
  expect(greeting.code).toBe(220);
  expect((await client.send("EHLO client.example.net")).code).toBe(250);
  if (options.tls !== false) {
    expect((await client.startTls()).code).toBe(220);
    expect((await client.send("EHLO client.example.net")).code).toBe(250);
  }
  if (options.login) {
    const reply = await client.send(`AUTH PLAIN ${plain(...options.login)}`);
    expect(reply.last).toMatch(/^235 /);
  }
  return client;
}

async function sendData(client: SmtpClient, body: string) {
  expect((await client.send("DATA")).code).toBe(354);
  client.write(body);
  return client.reply();
}

describe("submission on the STARTTLS port", () => {
  it("refuses AUTH before STARTTLS (RFC 3207 §4: credentials only over TLS)", async () => {
    const client = await session({ tls: false });
    const reply = await client.send(`AUTH PLAIN ${plain("alice@example.com", PASSWORD)}`);
    expect(reply.last).toMatch(/^5\d\d 5\.7\.0 /);
    client.close();
  });

  it("answers 530 5.7.0 to MAIL FROM without AUTH", async () => {
    const client = await session();
    expect((await client.send("MAIL FROM:<alice@example.com>")).last).toMatch(/^530 5\.7\.0 /);
    client.close();
  });

  it("answers 535 5.7.8 to a wrong password", async () => {
    const client = await session();
    expect((await client.send(`AUTH PLAIN ${plain("alice@example.com", "wrong password!")}`)).last).toMatch(
      /^535 5\.7\.8 /,
    );
    client.close();
  });

  it("answers an unknown user exactly like a wrong password", async () => {
    await createUser({ email: "dave@example.com", password: PASSWORD, actorId: null });
    const answer = async (user: string, password: string) => {
      const client = await session();
      const reply = await client.send(`AUTH PLAIN ${plain(user, password)}`);
      client.close();
      return reply.lines;
    };
    const wrongPassword = await answer("dave@example.com", "wrong password!");
    expect(wrongPassword).toEqual([expect.stringMatching(/^535 5\.7\.8 /)]);
    expect(await answer("nobody@example.com", "wrong password!")).toEqual(wrongPassword);
    expect(await answer("nobody@nowhere.example", PASSWORD)).toEqual(wrongPassword);
  });

  it("refuses AUTH PLAIN with an extra NUL field or CR LF in a field, and stays unauthenticated (RFC 4616 §2)", async () => {
    await createUser({ email: "erin@example.com", password: PASSWORD, actorId: null });
    const raw = (text: string) => Buffer.from(text).toString("base64");
    for (const response of [
      `\0erin@example.com\0${PASSWORD}\0extra`,
      `\0erin@example.com\0\0${PASSWORD}`,
      `\0erin@example.com\r\nX-Injected: 1\0${PASSWORD}`,
      `\0erin@example.com\0${PASSWORD}\r\n`,
    ]) {
      const client = await session();
      const reply = await client.send(`AUTH PLAIN ${raw(response)}`);
      expect(reply.last, JSON.stringify(response)).toMatch(/^5\d\d /);
      expect((await client.send("MAIL FROM:<erin@example.com>")).last).toMatch(/^530 5\.7\.0 /);
      client.close();
    }
  });

  it("discards commands pipelined in plaintext after STARTTLS (STARTTLS injection, RFC 3207 §4.2)", async () => {
    const { client, greeting } = await SmtpClient.connect(starttls.port);
    expect(greeting.code).toBe(220);
    expect((await client.send("EHLO client.example.net")).code).toBe(250);
    // A man in the middle appends an AUTH of its own (its account) and a transaction to the
    // client's STARTTLS, behind enough lines that some are still queued when the handshake ends.
    client.write(
      `STARTTLS\r\n${"NOOP\r\n".repeat(3000)}AUTH PLAIN ${plain("bob@example.com", PASSWORD)}\r\n` +
        "MAIL FROM:<bob@example.com>\r\n",
    );
    expect((await client.reply()).code).toBe(220);
    await client.handshake();
    expect(client.unread).toBe("");
    // The first reply inside TLS is the one to our EHLO, and we are not bob.
    expect((await client.send("EHLO client.example.net")).lines[0]).toMatch(/^250-mail\.example\.com /);
    expect((await client.send("MAIL FROM:<bob@example.com>")).last).toMatch(/^530 5\.7\.0 /);
    expect((await client.send("QUIT")).code).toBe(221);
    expect(await client.rest()).toEqual([]);
    client.close();
  });

  it("refuses a MAIL FROM the user may not send as with 553 5.7.1", async () => {
    const client = await session({ login: ["bob@example.com", PASSWORD] });
    expect((await client.send("MAIL FROM:<support@example.com>")).last).toMatch(/^553 5\.7\.1 /);
    expect((await client.send("MAIL FROM:<ceo@bank.example>")).last).toMatch(/^553 5\.7\.1 /);
    expect((await client.send("MAIL FROM:<>")).last).toMatch(/^553 5\.7\.1 /);
    expect((await client.send("MAIL FROM:<bob@example.com>")).code).toBe(250);
    client.close();
  });

  it("refuses a From: header the user may not send as with 553 5.7.1, storing nothing", async () => {
    const before = await db().outboundMessage.count();
    const client = await session({ login: ["bob@example.com", PASSWORD] });
    expect((await client.send("MAIL FROM:<bob@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<someone@remote.example>")).code).toBe(250);
    const reply = await sendData(client, "From: Support <support@example.com>\r\nSubject: x\r\n\r\nhi\r\n.\r\n");
    expect(reply.last).toMatch(/^553 5\.7\.1 /);
    expect(await db().outboundMessage.count()).toBe(before);
    client.close();
  });

  it("refuses an unknown local recipient with 550 5.1.1", async () => {
    const client = await session({ login: ["alice@example.com", PASSWORD] });
    expect((await client.send("MAIL FROM:<alice@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<nobody@example.com>")).last).toMatch(/^550 5\.1\.1 /);
    client.close();
  });

  it("accepts mail as a shared address, adds Message-ID and Date, signs it, queues it and files the copy in the shared mailbox", async () => {
    const client = await session({ login: ["alice@example.com", PASSWORD] });
    expect((await client.send("MAIL FROM:<support@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<kana@customer.example>")).code).toBe(250);
    expect((await client.send("RCPT TO:<bob@example.com>")).code).toBe(250);
    const reply = await sendData(
      client,
      "From: Example Support <support@example.com>\r\nTo: kana@customer.example\r\nSubject: Your invoice\r\n\r\nHere it is.\r\n.\r\n",
    );
    expect(reply.last).toMatch(/^250 2\.6\.0 Message accepted as <[0-9a-f]+@mail\.example\.com>$/);
    client.close();
    const messageId = /<([^>]+)>/.exec(reply.last)?.[1] as string;

    const copy = await db().message.findFirstOrThrow({
      where: { messageIdHeader: messageId, mailboxId: ids.support.id },
      include: { entries: { include: { folder: true } }, blob: true },
    });
    expect(copy.direction).toBe("outbound");
    expect(copy.conversationId).not.toBeNull();
    // The copy names who wrote it ("Alice via Example Support"), and its conversation's history says she sent it.
    const alice = await db().user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    expect(copy.authorId).toBe(alice.id);
    const sentEntry = await db().auditEvent.findFirstOrThrow({
      where: { action: "reply.sent", subjectType: "conversation", subjectId: String(copy.conversationId) },
    });
    expect([sentEntry.actorId, sentEntry.after]).toEqual([alice.id, { messageId: copy.id }]);
    expect(copy.entries.map((e) => [e.folder.name, e.flags])).toEqual([["Sent", ["\\Seen"]]]);
    const raw = Buffer.from(copy.blob.bytes).toString("latin1");
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.com;/);
    expect(raw).toMatch(/h=from:from:to:to:subject:subject:date:date:message-id;/);
    expect(raw).not.toMatch(/ l=/);
    expect(raw).toContain(`\r\nMessage-ID: <${messageId}>\r\n`);
    expect(raw).toMatch(/\r\nDate: .+ \+0000\r\n/);

    // bob is local: delivered straight through the write path, not queued.
    const bobs = await db().message.findFirstOrThrow({
      where: { messageIdHeader: messageId, mailbox: { address: "bob@example.com" } },
      include: { entries: { include: { folder: true } } },
    });
    expect(bobs.direction).toBe("inbound");
    expect(bobs.entries[0]?.folder.name).toBe("INBOX");
    expect(bobs.authorId).toBeNull();

    const outbound = await db().outboundMessage.findFirstOrThrow({
      where: { messageIdHeader: messageId },
      include: { jobs: true },
    });
    expect(outbound.storedMessageId).toBe(copy.id);
    expect(outbound.blobSha256).toBe(copy.blobSha256);
    expect(outbound.mailFrom).toBe("support@example.com");
    expect(outbound.jobs.map((j) => [j.domain, j.state, j.recipients])).toEqual([
      ["customer.example", "queued", [{ address: "kana@customer.example", state: "pending" }]],
    ]);
  });

  it("turns bare LF and CR into CRLF so that a smuggled '<LF>.<LF>' stays inside one message", async () => {
    const client = await session({ login: ["alice@example.com", PASSWORD] });
    expect((await client.send("MAIL FROM:<alice@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<kana@customer.example>")).code).toBe(250);
    const reply = await sendData(
      client,
      "From: alice@example.com\nSubject: bare\nMessage-ID: <bare-lf@example.com>\n\nline one\n.\nMAIL FROM:<evil@x>\rline two\r\n.\r\n",
    );
    expect(reply.code).toBe(250);
    expect((await client.send("QUIT")).code).toBe(221);
    const outbound = await db().outboundMessage.findFirstOrThrow({
      where: { messageIdHeader: "bare-lf@example.com" },
      include: { blob: true },
    });
    const raw = Buffer.from(outbound.blob.bytes).toString("latin1");
    expect(raw.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(raw).toContain("\r\n\r\nline one\r\n.\r\nMAIL FROM:<evil@x>\r\nline two\r\n");
    expect(await db().outboundMessage.count({ where: { messageIdHeader: "bare-lf@example.com" } })).toBe(1);
    // The copy went to alice's own Sent folder.
    const copy = await db().message.findFirstOrThrow({
      where: { messageIdHeader: "bare-lf@example.com" },
      include: { mailbox: true },
    });
    expect(copy.mailbox.address).toBe("alice@example.com");
  });
});

describe("submission on the implicit TLS port (RFC 8314)", () => {
  it("accepts AUTH LOGIN from nodemailer over TLS", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: implicit.port,
      secure: true,
      auth: { user: "alice@example.com", pass: PASSWORD },
      authMethod: "LOGIN",
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: "Alice <alice@example.com>",
      to: "kana@customer.example",
      subject: "こんにちは",
      text: "日本語の本文です。",
    });
    expect(info.response).toMatch(/^250 2\.6\.0 Message accepted/);
    const copy = await db().message.findFirstOrThrow({ where: { subject: "こんにちは" } });
    expect(copy.textBody).toContain("日本語の本文です。");
  });
});
