// Inbound mail end to end: Yubin's mail role as a real process on a real
// PostgreSQL, fed by nodemailer and swaks, and the kill test: SIGKILL the
// process repeatedly under load and prove that every message that got 250 is
// stored exactly once, byte for byte.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { type ResendState, sendUntilAcked } from "../support/send-until-acked.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

let yubin: YubinProcess;
let dns: DnsServer;
let env: Record<string, string>;
let smtpPort = 0;

async function start(dataDir?: string) {
  return startYubinProcess({ roles: "mail", env, dataDir });
}

beforeAll(async () => {
  dns = await startDnsServer();
  smtpPort = await freePort();
  env = {
    DATABASE_URL: await useTestDatabase(),
    YUBIN_SMTP_PORT: String(smtpPort),
    YUBIN_HOSTNAME: "mx.example.com",
    YUBIN_DNS_SERVERS: dns.address,
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: "inbound-test-password",
  };
  yubin = await start();
});

afterAll(async () => {
  await yubin?.stop();
  await dns?.close();
});

async function supportMailboxId() {
  return (await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } })).id;
}

describe("inbound mail through the mail role", () => {
  it("announces the MX listener", () => {
    expect(yubin.output()).toContain(`smtp: mx.example.com:${smtpPort}`);
  });

  it("stores a Japanese message with an attachment sent by nodemailer, with trace and authentication headers", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: smtpPort,
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      from: "佐藤 花子 <hanako@customer.example>",
      to: "support@example.com",
      subject: "【至急】①請求書の再発行について",
      text: "お世話になっております。請求書を再発行してください。",
      messageId: "<nodemailer-1@customer.example>",
      attachments: [{ filename: "請求書.pdf", content: Buffer.from("%PDF-1.4 fake"), contentType: "application/pdf" }],
    });
    expect(info.accepted).toEqual(["support@example.com"]);
    expect(info.response).toMatch(/^250 /);
    const message = await db().message.findFirstOrThrow({
      where: { messageIdHeader: "nodemailer-1@customer.example" },
      include: { blob: true, conversation: true, entries: true },
    });
    expect(message.mailboxId).toBe(await supportMailboxId());
    expect(message.subject).toBe("【至急】①請求書の再発行について");
    expect(message.fromName).toBe("佐藤 花子");
    expect(message.textBody).toContain("請求書を再発行してください。");
    expect(message.hasAttachments).toBe(true);
    expect(message.conversation?.subject).toBe("【至急】①請求書の再発行について");
    expect(message.entries.map((e) => e.uid)).toEqual([1]);
    const raw = Buffer.from(message.blob.bytes).toString("latin1");
    expect(raw).toMatch(/^Received: from [^\r\n]+\r\n\tby mx\.example\.com with ESMTPS?/);
    expect(raw).toMatch(/\r\nAuthentication-Results: mx\.example\.com;/);
    // With the loopback DNS answering NXDOMAIN, SPF has no record to pass.
    expect(message.authResults).toMatchObject({ spf: "none" });
  });

  it("refuses unknown local users and foreign domains at RCPT", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, ignoreTLS: true });
    await expect(
      transport.sendMail({ from: "a@customer.example", to: "nobody@example.com", subject: "x", text: "x" }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining("5.1.1") });
    await expect(
      transport.sendMail({ from: "a@customer.example", to: "victim@gmail.com", subject: "x", text: "x" }),
    ).rejects.toMatchObject({ responseCode: 554, response: expect.stringContaining("5.7.1") });
  });

  it("stores a message with NUL in an encoded-word, a quoted-printable body and an RFC 2231 filename: 250, not 451 (issue 10 item 5)", async () => {
    const fixture = readFileSync(new URL("../fixtures/mail/nul-characters.eml", import.meta.url));
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: { from: "nul@example.net", to: ["support@example.com"] },
      raw: fixture,
    });
    expect(info.response).toMatch(/^250 /);
    const message = await db().message.findFirstOrThrow({
      where: { messageIdHeader: "nul.1@example.net" },
      include: { blob: true },
    });
    expect(message.subject).toBe("before\ufffdafter");
    expect(message.fromName).toBe("Null\ufffdSender");
    expect(message.textBody).toBe("line one\ufffdline two");
    expect(message.attachments).toMatchObject([{ filename: "bad\ufffdname.txt" }]);
    // The raw message keeps its bytes; only our trace fields come before them.
    expect(Buffer.from(message.blob.bytes).subarray(-fixture.length).equals(fixture)).toBe(true);
  });

  it("answers 452 4.3.1 when the database is out of disk space, stores nothing, and takes mail again when space returns", async () => {
    // PostgreSQL's own error for a full disk (SQLSTATE 53100 disk_full), raised where
    // the message's bytes are written: what a full data directory answers.
    await db().$executeRawUnsafe(`create function yubin_test_disk_full() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file "base/16384/16999": No space left on device' using errcode = 'disk_full'; end $$`);
    await db().$executeRawUnsafe(
      `create trigger disk_full before insert on "Blob" for each statement execute function yubin_test_disk_full()`,
    );
    const message = (id: string) =>
      `From: a@customer.example\r\nTo: support@example.com\r\nSubject: disk\r\nMessage-ID: <${id}@customer.example>\r\n\r\nbody\r\n.\r\n`;
    const { client } = await SmtpClient.connect(smtpPort);
    try {
      await client.send("EHLO customer.example");
      expect((await client.send("MAIL FROM:<a@customer.example>")).code).toBe(250);
      expect((await client.send("RCPT TO:<support@example.com>")).code).toBe(250);
      expect((await client.send("DATA")).code).toBe(354);
      client.write(message("disk-full-1"));
      // RFC 5321 §4.2.2 452 "insufficient system storage"; RFC 3463 X.3.1 "mail system full".
      expect((await client.reply()).last).toMatch(/^452 4\.3\.1 /);
      expect(await db().message.count({ where: { messageIdHeader: "disk-full-1@customer.example" } })).toBe(0);
    } finally {
      await db().$executeRawUnsafe(`drop trigger disk_full on "Blob"`);
      await db().$executeRawUnsafe("drop function yubin_test_disk_full()");
    }
    // Space is back: the same process, the same connection, takes the retry.
    expect((await client.send("MAIL FROM:<a@customer.example>")).code).toBe(250);
    expect((await client.send("RCPT TO:<support@example.com>")).code).toBe(250);
    expect((await client.send("DATA")).code).toBe(354);
    client.write(message("disk-full-1"));
    expect((await client.reply()).code).toBe(250);
    await client.send("QUIT");
    expect(await db().message.count({ where: { messageIdHeader: "disk-full-1@customer.example" } })).toBe(1);
  });

  it("stores a message sent by swaks", () => {
    const swaks = spawnSync("which", ["swaks"]).status === 0;
    if (!swaks && process.env.CI) throw new Error("swaks is not installed (.ci/run installs it)");
    if (!swaks) return;
    const file = path.join(os.tmpdir(), `yubin-swaks-${process.pid}.eml`);
    writeFileSync(
      file,
      "From: swaks@customer.example\r\nTo: support@example.com\r\nSubject: via swaks\r\nMessage-ID: <swaks-1@customer.example>\r\n\r\nhello from swaks",
    );
    const out = execFileSync(
      "swaks",
      [
        "--server",
        `127.0.0.1:${smtpPort}`,
        "--from",
        "swaks@customer.example",
        "--to",
        "support@example.com",
        "--data",
        `@${file}`,
        "--tls",
      ],
      { encoding: "utf8" },
    );
    expect(out).toMatch(/<~ {2}250 /);
    return db()
      .message.findFirstOrThrow({ where: { messageIdHeader: "swaks-1@customer.example" } })
      .then((m) => expect(m.subject).toBe("via swaks"));
  });
});

describe("the kill test", () => {
  const TOTAL = 2000;
  const CONNECTIONS = 20;
  const KILLS = 4;

  function messageFor(i: number): Buffer {
    return Buffer.from(
      [
        `From: Customer ${i} <c${i}@customer.example>`,
        "To: support@example.com",
        `Subject: Order ${i}`,
        `Message-ID: <kill-${i}@customer.example>`,
        "Date: Sat, 28 Nov 2026 10:00:00 +0000",
        "",
        `Order number ${i}. ${"Lorem ipsum dolor sit amet. ".repeat(20)}`,
        "",
      ].join("\r\n"),
    );
  }

  it(`stores every acknowledged message exactly once while the process is SIGKILLed ${KILLS} times`, async () => {
    const queue = Array.from({ length: TOTAL }, (_, i) => i);
    const acked = new Set<number>();
    let kills = 0;
    let restarting: Promise<void> | null = null;

    const killer = async () => {
      while (kills < KILLS) {
        const target = ((kills + 1) * TOTAL) / (KILLS + 2);
        while (acked.size < target) await new Promise((r) => setTimeout(r, 10));
        kills++;
        const dataDir = yubin.dataDir;
        restarting = (async () => {
          await yubin.stop("SIGKILL");
          yubin = await start(dataDir);
        })();
        await restarting;
        restarting = null;
      }
    };

    const sending: ResendState = {
      port: smtpPort,
      ehlo: "loadtest.example",
      total: TOTAL,
      queue,
      acked,
      message: messageFor,
      restarting: () => restarting,
      resent: 0,
    };
    await Promise.all([killer(), ...Array.from({ length: CONNECTIONS }, () => sendUntilAcked(sending))]);
    expect(kills).toBe(KILLS);
    // The crashes really hit messages in flight.
    expect(sending.resent).toBeGreaterThan(0);
    expect(acked.size).toBe(TOTAL);

    const mailboxId = await supportMailboxId();
    const rows = await db().message.findMany({
      where: { mailboxId, messageIdHeader: { startsWith: "kill-" } },
      select: { messageIdHeader: true, blob: { select: { bytes: true } } },
    });
    const seen = new Map<string, number>();
    for (const row of rows) seen.set(row.messageIdHeader as string, (seen.get(row.messageIdHeader as string) ?? 0) + 1);
    const duplicates = [...seen].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    expect(rows).toHaveLength(TOTAL);
    for (const row of rows) {
      const i = Number(/^kill-(\d+)@/.exec(row.messageIdHeader as string)?.[1]);
      // What we store is our trace headers followed by exactly the client's bytes.
      expect(Buffer.from(row.blob.bytes).subarray(-messageFor(i).length).equals(messageFor(i))).toBe(true);
    }

    // Counters and UIDs stayed exact through the crashes.
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
    const all = await db().message.aggregate({ where: { mailboxId }, _count: true, _sum: { size: true } });
    expect(mailbox.usedMessages).toBe(all._count);
    expect(Number(mailbox.usedBytes)).toBe(all._sum.size);
    const inbox = await db().folder.findFirstOrThrow({ where: { mailboxId, name: "INBOX" } });
    const uids = await db().folderMessage.aggregate({
      where: { folderId: inbox.id },
      _max: { uid: true },
      _count: true,
    });
    expect(uids._count).toBe(all._count);
    expect(inbox.uidNext).toBeGreaterThan(uids._max.uid as number);
  }, 240_000);
});
