// The crash test of the outbound queue: 1,000 messages go in through
// submission (a `mail` process) while a `delivery` process is killed with
// SIGKILL again and again, delivering to a sink that answers 451 to 30% of
// the messages. Afterwards every recipient is delivered, and the only
// duplicates are transactions that were in flight at a kill (at most one per
// worker per kill).
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { PASSWORD, seedOutbound } from "../support/outbound-fixtures.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const MESSAGES = 1000;
const WORKERS = 8;
let dns: DnsServer;
let sink: SmtpSink;
let mail: YubinProcess;
let delivery: YubinProcess | undefined;
let env: Record<string, string>;
let submissionPort = 0;

beforeAll(async () => {
  const url = await useTestDatabase();
  await seedOutbound();
  const port = await freePort();
  sink = await startSmtpSink({ host: "127.0.0.6", port });
  let n = 0;
  // Deterministic 30%: 3 of every 10 transactions are told to try again.
  sink.behavior = { data: () => (n++ % 10 < 3 ? { code: 451, message: "4.3.0 Try again" } : null) };
  dns = await startDnsServer({
    "kill.test": [{ type: "MX", preference: 10, exchange: "mx.kill.test" }],
    "mx.kill.test": [{ type: "A", address: "127.0.0.6" }],
  });
  submissionPort = await freePort();
  env = {
    DATABASE_URL: url,
    YUBIN_HOSTNAME: "mail.example.com",
    YUBIN_SUBMISSION_PORT: String(submissionPort),
    YUBIN_DNS_SERVERS: dns.address,
    YUBIN_SMTP_OUTBOUND_PORT: String(port),
    YUBIN_DELIVERY_WORKERS: String(WORKERS),
    YUBIN_DELIVERY_LEASE_SECONDS: "3",
    YUBIN_DELIVERY_POLL_MS: "100",
    YUBIN_QUEUE_RETRY_MIN_SECONDS: "0.2",
    YUBIN_QUEUE_RETRY_MAX_SECONDS: "1",
  };
  mail = await startYubinProcess({ roles: "mail", env });
});

afterAll(async () => {
  await delivery?.stop();
  await mail?.stop();
  await sink?.close();
  await dns?.close();
});

describe("the delivery queue under SIGKILL", () => {
  it("delivers every recipient, with duplicates only from transactions in flight at a kill", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: submissionPort,
      pool: true,
      maxConnections: 4,
      maxMessages: Number.POSITIVE_INFINITY,
      auth: { user: "alice@example.com", pass: PASSWORD },
      tls: { rejectUnauthorized: false },
    });
    let submitted = 0;
    const submitting = Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        transport
          .sendMail({
            from: "alice@example.com",
            to: `user${i}@kill.test`,
            subject: `kill test ${i}`,
            messageId: `<kill-${i}@example.com>`,
            text: `message ${i}`,
          })
          .then(() => {
            submitted++;
          }),
      ),
    );

    let kills = 0;
    const settledCount = () =>
      db().deliveryJob.count({ where: { state: { in: ["delivered", "bounced", "expired"] } } });
    delivery = await startYubinProcess({ roles: "delivery", env });
    const deadline = Date.now() + 150_000;
    // Kill while mail is still flowing in and going out; then let it finish.
    while (kills < 8 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 800));
      await delivery.stop("SIGKILL");
      kills++;
      delivery = await startYubinProcess({ roles: "delivery", env });
    }
    await submitting;
    transport.close();
    expect(submitted).toBe(MESSAGES);
    while ((await settledCount()) < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const states = await db().deliveryJob.groupBy({ by: ["state"], _count: true });
    expect(states.map((s) => [s.state, s._count])).toEqual([["delivered", MESSAGES]]);
    const copies = new Map<string, number>();
    for (const m of sink.messages) {
      const id = /Message-ID: <(kill-\d+)@example\.com>/i.exec(m.raw.toString())?.[1];
      if (id) copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    expect(copies.size).toBe(MESSAGES);
    const duplicates = [...copies.values()].reduce((sum, c) => sum + c - 1, 0);
    const attempts = await db().deliveryJob.aggregate({ _sum: { attempts: true } });
    console.log(
      `kill test: ${MESSAGES} messages, ${kills} SIGKILLs, ${sink.messages.length} accepted by the sink, ` +
        `${duplicates} duplicates (bound ${kills * WORKERS}), ${attempts._sum.attempts} recorded attempts`,
    );
    expect(duplicates).toBeLessThanOrEqual(kills * WORKERS);
  }, 200_000);
});
