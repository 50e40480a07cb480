// Quotas at the MX, end to end: Yubin's mail role as a real process on a real
// PostgreSQL, real SMTP sessions (a transcript client and nodemailer), and
// delivery workers in this process with a clock the test moves. One quota
// rule decides everywhere (yubin_quota_fits): at RCPT for a full mailbox or a
// SIZE= that would not fit, at DATA for a message that crosses, for the
// queued copy that waits for room, and for 50 sessions racing into one mailbox.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryWorkers, startDeliveryWorkers } from "../../mail-daemons/delivery/delivery-worker.ts";
import { createMxResolver } from "../../mail-daemons/delivery/mx-lookup.ts";
import { authorizeMailbox } from "../../server/access/gate.ts";
import { db } from "../../server/db.ts";
import { expungeMessages } from "../../server/mail-store/expunge-messages.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import type { RecipientStatus } from "../../server/outbound/queue-types.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { makeUser } from "../support/factories.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { waitFor } from "../support/wait.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const DAY = 24 * 3600_000;
const LIFETIME_SECONDS = 5 * 24 * 3600;

let yubin: YubinProcess;
let dns: DnsServer;
let smtpPort = 0;
let workers: DeliveryWorkers | undefined;
let clockOffset = 0;
let agent = 0;
let n = 0;

beforeAll(async () => {
  dns = await startDnsServer();
  smtpPort = await freePort();
  yubin = await startYubinProcess({
    roles: "mail",
    env: {
      DATABASE_URL: await useTestDatabase(),
      YUBIN_SMTP_PORT: String(smtpPort),
      YUBIN_HOSTNAME: "mx.example.com",
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_ADMIN_EMAIL: "admin@example.com",
      YUBIN_ADMIN_PASSWORD: "quota-test-password",
      YUBIN_QUEUE_RETRY_MIN_SECONDS: "3600",
    },
  });
  agent = await makeUser("agent@example.com");
});

afterAll(async () => {
  await workers?.stop();
  await yubin?.stop();
  await dns?.close();
});

/** A shared mailbox with the given limits, the agent a member. */
async function mailbox(limits: { bytes?: number; messages?: number } = {}) {
  const address = `box${++n}@example.com`;
  const { id } = await createMailbox({
    address,
    kind: "shared",
    memberEmails: ["agent@example.com"],
    quotaBytes: limits.bytes ?? null,
    actorId: null,
  });
  if (limits.messages !== undefined) await setQuotaLimits({ address, quotaMessages: limits.messages, actorId: null });
  return { id, address };
}

function message(to: string, bodyBytes: number, id = `q${++n}.${process.pid}@customer.example`) {
  const head = `From: Customer <customer@customer.example>\r\nTo: ${to}\r\nSubject: quota ${id}\r\nMessage-ID: <${id}>\r\n\r\n`;
  return `${head}${"x".repeat(Math.max(0, bodyBytes - 2))}\r\n`;
}

async function session() {
  const { client } = await SmtpClient.connect(smtpPort);
  expect((await client.send("EHLO client.example")).code).toBe(250);
  return client;
}

/** DATA and the message, dot-terminated; the reply to the end of data. */
async function data(client: SmtpClient, text: string) {
  expect((await client.send("DATA")).code).toBe(354);
  client.write(`${text}.\r\n`);
  return (await client.reply()).last;
}

async function usage(mailboxId: number) {
  const m = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
  const count = await db().message.aggregate({ where: { mailboxId }, _sum: { size: true }, _count: true });
  return {
    usedBytes: Number(m.usedBytes),
    usedMessages: m.usedMessages,
    countedBytes: count._sum.size ?? 0,
    countedMessages: count._count,
  };
}

const localJobs = async (mailboxId: number) =>
  (await db().deliveryJob.findMany({ where: { local: true }, orderBy: { id: "asc" } })).filter((j) =>
    (j.recipients as unknown as RecipientStatus[]).some((r) => r.mailboxId === mailboxId),
  );

describe("RCPT TO", () => {
  it("452 4.2.2 for a full mailbox, while another recipient of the same transaction gets the message", async () => {
    const full = await mailbox({ messages: 1 });
    const open = await mailbox();
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${full.address}>`)).last).toMatch(/^250 /);
    expect(await data(c, message(full.address, 100))).toMatch(/^250 /);
    // Now full (1 of 1 message).
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${full.address}>`)).last).toMatch(/^452 4\.2\.2 /);
    expect((await c.send(`RCPT TO:<${open.address}>`)).last).toMatch(/^250 /);
    expect(await data(c, message(open.address, 100))).toMatch(/^250 /);
    expect((await usage(full.id)).usedMessages).toBe(1);
    expect((await usage(open.id)).usedMessages).toBe(1);
    await c.send("QUIT");
  });

  it("452 4.2.2 when the SIZE= declared at MAIL FROM would not fit, 250 when it would", async () => {
    const box = await mailbox({ bytes: 10_000 });
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example> SIZE=20000")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${box.address}>`)).last).toMatch(/^452 4\.2\.2 /);
    expect((await c.send("RSET")).code).toBe(250);
    expect((await c.send("MAIL FROM:<customer@customer.example> SIZE=2000")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${box.address}>`)).last).toMatch(/^250 /);
    expect(await data(c, message(box.address, 1000))).toMatch(/^250 /);
    await c.send("QUIT");
  });
});

describe("DATA that crosses the quota", () => {
  it("refuses the transaction 452 4.2.2 when the full mailbox is the only recipient, and logs why", async () => {
    const box = await mailbox({ bytes: 3000 });
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${box.address}>`)).last).toMatch(/^250 /);
    expect(await data(c, message(box.address, 5000))).toMatch(/^452 4\.2\.2 /);
    await c.send("QUIT");
    expect(await usage(box.id)).toEqual({ usedBytes: 0, usedMessages: 0, countedBytes: 0, countedMessages: 0 });
    expect(await localJobs(box.id)).toEqual([]);
    await waitFor("the log line", () => yubin.output().includes(`refused 452 4.2.2: no room for it (<${box.address}>`));
  });

  it("refuses 452 4.2.2 when every one of several recipients is full: nothing stored, nothing queued", async () => {
    const a = await mailbox({ bytes: 3000 });
    const b = await mailbox({ bytes: 3000 });
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${a.address}>`)).code).toBe(250);
    expect((await c.send(`RCPT TO:<${b.address}>`)).code).toBe(250);
    expect(await data(c, message(a.address, 5000))).toMatch(/^452 4\.2\.2 /);
    await c.send("QUIT");
    expect((await usage(a.id)).usedMessages + (await usage(b.id)).usedMessages).toBe(0);
    expect([...(await localJobs(a.id)), ...(await localJobs(b.id))]).toEqual([]);
  });

  let waiting: { id: number; address: string };
  let messageId = "";

  it("with several recipients, stores it for those with room and keeps the full one in the queue (250)", async () => {
    waiting = await mailbox({ bytes: 3000 });
    const open = await mailbox();
    messageId = `several.${process.pid}@customer.example`;
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${waiting.address}>`)).code).toBe(250);
    expect((await c.send(`RCPT TO:<${open.address}>`)).code).toBe(250);
    expect(await data(c, message(`${waiting.address}, ${open.address}`, 5000, messageId))).toMatch(/^250 /);
    await c.send("QUIT");
    expect((await usage(open.id)).usedMessages).toBe(1);
    expect((await usage(waiting.id)).usedMessages).toBe(0);
    const [job, ...more] = await localJobs(waiting.id);
    expect(more).toEqual([]);
    expect(job?.state).toBe("deferred");
    expect(job?.lastReply).toMatch(/^452 4\.2\.2/);
    expect(((job?.recipients ?? []) as unknown as RecipientStatus[]).map((r) => [r.address, r.state])).toEqual([
      [waiting.address, "pending"],
    ]);
    await waitFor("the log line", () =>
      yubin.output().includes(`queued for <${waiting.address}> until their mailbox has room`),
    );
  });

  it("delivers the queued copy exactly once when the mailbox gets room", async () => {
    const policy = {
      retryMinSeconds: 3600,
      retryMaxSeconds: 3600,
      lifetimeSeconds: LIFETIME_SECONDS,
      delayNoticeSeconds: 0,
      leaseSeconds: 60,
    };
    workers = startDeliveryWorkers({
      hostname: "mx.example.com",
      port: 25,
      resolver: createMxResolver([dns.address]),
      policy,
      workers: 2,
      maxPerDestination: 2,
      pollMs: 50,
      now: () => new Date(Date.now() + clockOffset),
      domains: ["example.com"],
      log: () => {},
    });
    // Still full: the job is not due for an hour, and nothing arrives.
    const [before] = await localJobs(waiting.id);
    expect(before?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    // Room: a larger quota (a deletion works alike, through the same trigger) makes it due at once.
    await setQuotaLimits({ address: waiting.address, quotaBytes: 100_000, actorId: null });
    await waitFor("the queued copy delivered", async () => (await localJobs(waiting.id))[0]?.state === "delivered");
    const stored = await db().message.findMany({ where: { mailboxId: waiting.id } });
    expect(stored.map((m) => m.messageIdHeader)).toEqual([messageId]);
    const u = await usage(waiting.id);
    expect([u.usedMessages, u.usedBytes]).toEqual([1, u.countedBytes]);
  });

  it("after the queue lifetime, gives up on a mailbox that never got room and sends the sender a DSN", async () => {
    const box = await mailbox({ bytes: 3000 });
    const open = await mailbox();
    const senderBox = await mailbox();
    const c = await session();
    expect((await c.send(`MAIL FROM:<${senderBox.address}>`)).code).toBe(250);
    expect((await c.send(`RCPT TO:<${box.address}>`)).code).toBe(250);
    expect((await c.send(`RCPT TO:<${open.address}>`)).code).toBe(250);
    expect(await data(c, message(box.address, 5000))).toMatch(/^250 /);
    await c.send("QUIT");
    expect(await localJobs(box.id)).toHaveLength(1);
    // Six days later (the test's clock): the job is due, still does not fit, and has outlived the queue.
    clockOffset = 6 * DAY;
    await waitFor("the job expired", async () => (await localJobs(box.id))[0]?.state === "expired");
    const [job] = await localJobs(box.id);
    expect(((job?.recipients ?? []) as unknown as RecipientStatus[])[0]).toMatchObject({
      state: "expired",
      status: "4.4.7",
    });
    const dsn = await waitFor("the DSN", () =>
      db().message.findFirst({ where: { mailboxId: senderBox.id }, include: { blob: true } }),
    );
    const text = Buffer.from(dsn.blob.bytes).toString("utf8");
    expect(text).toMatch(/multipart\/report; report-type=delivery-status/i);
    expect(text).toContain(`Final-Recipient: rfc822; ${box.address}`);
    expect(text).toMatch(/Status: 4\.4\.7/);
    expect((await usage(box.id)).usedMessages).toBe(0);
    clockOffset = 0;
  });
});

describe("50 parallel deliveries into a nearly full mailbox", () => {
  it("overshoot at most one message; every session answered 250 or 452 4.2.2; counters exact", async () => {
    const size = 1500;
    const box = await mailbox({ bytes: size * 100 });
    // Nearly full: nine large messages leave room for a few of the small ones below.
    // From five loopback addresses, ten sessions each: the MX caps connections per client address (limits.ts).
    const transport = (i = 0) =>
      nodemailer.createTransport({
        host: "127.0.0.1",
        port: smtpPort,
        localAddress: `127.0.0.${2 + (i % 5)}`,
        tls: { rejectUnauthorized: false },
      });
    for (let i = 0; i < 9; i++) {
      await transport().sendMail({
        envelope: { from: "customer@customer.example", to: box.address },
        raw: message(box.address, size * 10),
      });
    }
    const start = await usage(box.id);
    expect(start.usedMessages).toBe(9);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        transport(i).sendMail({
          envelope: { from: "customer@customer.example", to: box.address },
          raw: message(box.address, size),
        }),
      ),
    );
    const accepted = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.flatMap((r) =>
      r.status === "rejected" ? [r.reason as { responseCode?: number; response?: string }] : [],
    );
    expect(
      refused.every((e) => e.responseCode === 452 && /4\.2\.2/.test(e.response ?? "")),
      JSON.stringify(refused.map((e) => e.response)),
    ).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const end = await usage(box.id);
    expect(end.usedMessages).toBe(9 + accepted);
    expect(end.usedBytes).toBe(end.countedBytes);
    expect(end.usedMessages).toBe(end.countedMessages);
    const largest = await db().message.findFirstOrThrow({ where: { mailboxId: box.id }, orderBy: { size: "desc" } });
    // At most one message over the quota (the rule itself allows none).
    expect(end.usedBytes).toBeLessThanOrEqual(size * 100 + largest.size);
    // And no room was wasted: one more of them would not have fit.
    const one = (end.usedBytes - start.usedBytes) / accepted;
    expect(end.usedBytes + one).toBeGreaterThan(size * 100);
  });
});

describe("deleting is always allowed", () => {
  it("expunges from a mailbox over its quota and frees the room", async () => {
    const box = await mailbox({ messages: 1 });
    const c = await session();
    expect((await c.send("MAIL FROM:<customer@customer.example>")).code).toBe(250);
    expect((await c.send(`RCPT TO:<${box.address}>`)).code).toBe(250);
    expect(await data(c, message(box.address, 100))).toMatch(/^250 /);
    // An admin lowers the quota below what is stored: over quota, and deleting still works.
    await setQuotaLimits({ address: box.address, quotaMessages: 0, actorId: null });
    const authorized = await authorizeMailbox({ userId: agent, mailboxId: box.id });
    if (!authorized) throw new Error("not a member");
    const inbox = await db().folder.findFirstOrThrow({ where: { mailboxId: box.id, name: "INBOX" } });
    const result = await expungeMessages({
      mailboxId: authorized,
      folderId: inbox.id,
      select: { uids: [1] },
      actorId: agent,
      door: "web",
    });
    expect(result.freedMessages).toBe(1);
    expect((await usage(box.id)).usedMessages).toBe(0);
    await c.send("QUIT");
  });
});
