// Outbound delivery against loopback "remote" MX hosts (tests/support/
// smtp-sink.ts) behind a loopback DNS server: MX order and fallback, the
// implicit MX, null MX, 4xx/5xx/421/dropped connections, DSNs in the local
// sender's mailbox, expiry on a fake clock, DKIM verified by mailauth at the
// receiving end, the smarthost, the web's sendMessage and `yubin queue`.
import { authenticate } from "mailauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryWorkers, startDeliveryWorkers } from "../../mail-daemons/delivery/delivery-worker.ts";
import { createMxResolver } from "../../mail-daemons/delivery/mx-lookup.ts";
import { createDnsResolver } from "../../mail-daemons/shared/dns-resolver.ts";
import { authorizeMailbox, mailboxesForLogin } from "../../server/access/gate.ts";
import { sqlTransaction } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { deliveryStatus } from "../../server/outbound/delivery-status.ts";
import { enqueueTx } from "../../server/outbound/enqueue.ts";
import { sendMessage } from "../../server/outbound/send-message.ts";
import { submitMessage } from "../../server/outbound/submit-message.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { seedOutbound } from "../support/outbound-fixtures.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import { freePort } from "../support/yubin-process.ts";

const HOUR = 3600_000;
let url = "";
let dns: DnsServer;
let mx1: SmtpSink;
let mx2: SmtpSink;
let aOnly: SmtpSink;
let relay: SmtpSink;
let workers: DeliveryWorkers;
let relayWorkers: DeliveryWorkers;
let clockOffset = 0;
let ids: Awaited<ReturnType<typeof seedOutbound>>;
let counter = 0;

const policy = {
  retryMinSeconds: 0.2,
  retryMaxSeconds: 0.5,
  lifetimeSeconds: 3 * 3600,
  delayNoticeSeconds: 3600,
  leaseSeconds: 30,
};

beforeAll(async () => {
  url = await useTestDatabase();
  ids = await seedOutbound();
  const port = await freePort();
  [mx1, mx2, aOnly, relay] = await Promise.all([
    startSmtpSink({ host: "127.0.0.2", port }),
    startSmtpSink({ host: "127.0.0.3", port }),
    startSmtpSink({ host: "127.0.0.4", port, tls: false }),
    startSmtpSink({ host: "127.0.0.5", auth: { user: "relayuser", pass: "relaypass" } }),
  ]);
  const key = ids.domain;
  dns = await startDnsServer({
    "order.test": [
      { type: "MX", preference: 20, exchange: "mx2.order.test" },
      { type: "MX", preference: 10, exchange: "mx1.order.test" },
    ],
    "mx1.order.test": [{ type: "A", address: "127.0.0.2" }],
    "mx2.order.test": [{ type: "A", address: "127.0.0.3" }],
    // The preferred MX has an address where nothing listens.
    "fallback.test": [
      { type: "MX", preference: 10, exchange: "dead.fallback.test" },
      { type: "MX", preference: 20, exchange: "mx2.order.test" },
    ],
    "dead.fallback.test": [{ type: "A", address: "127.0.0.9" }],
    "aonly.test": [{ type: "A", address: "127.0.0.4" }],
    "nullmx.test": [{ type: "MX", preference: 0, exchange: "" }],
    [`${key.dkimSelector}._domainkey.example.com`]: [{ type: "TXT", text: `v=DKIM1; k=rsa; p=${key.dkimPublicKey}` }],
  });
  const common = {
    hostname: "mail.example.com",
    port,
    resolver: createMxResolver([dns.address]),
    policy,
    workers: 3,
    maxPerDestination: 3,
    pollMs: 50,
    now: () => new Date(Date.now() + clockOffset),
    log: () => {},
  };
  workers = startDeliveryWorkers({
    ...common,
    domains: ["order.test", "fallback.test", "aonly.test", "nullmx.test", "nxdomain.test", "remote.example"],
  });
  relayWorkers = startDeliveryWorkers({
    ...common,
    domains: ["via-relay.test"],
    smarthost: {
      host: "127.0.0.5",
      port: relay.port,
      implicitTls: false,
      verify: false,
      user: "relayuser",
      pass: "relaypass",
    },
  });
});

afterAll(async () => {
  await workers?.stop();
  await relayWorkers?.stop();
  await Promise.all([mx1, mx2, aOnly, relay].map((s) => s?.close()));
  await dns?.close();
});

async function send(to: string[], options: { from?: string; subject?: string } = {}) {
  const from = options.from ?? "alice@example.com";
  const id = `t${++counter}.${Date.now()}@example.com`;
  const raw = Buffer.from(
    [
      `From: Alice <${from}>`,
      `To: ${to.join(", ")}`,
      `Subject: ${options.subject ?? `Test ${counter}`}`,
      `Message-ID: <${id}>`,
      "",
      "Hello from Yubin.",
      "",
    ].join("\r\n"),
  );
  const granted = await mailboxesForLogin({ user: ids.alice, mailboxId: null });
  const result = await submitMessage({
    userId: ids.alice.id,
    sendAs: granted.map((m) => m.mailboxId),
    mailFrom: from,
    recipients: to,
    raw,
    hostname: "mail.example.com",
  });
  if (!result.ok) throw new Error(result.message);
  if (result.held) throw new Error("held for approval");
  return {
    id,
    storedMessageId: result.storedMessageId as number,
    outboundMessageId: result.outboundMessageId as number,
  };
}

const received = (sink: SmtpSink, id: string) => sink.messages.filter((m) => m.raw.includes(`<${id}>`));

async function settled(outboundMessageId: number) {
  return waitFor("the job to settle", async () => {
    const jobs = await db().deliveryJob.findMany({ where: { outboundMessageId } });
    return jobs.every((j) => j.state !== "queued" && j.state !== "deferred") && jobs;
  });
}

async function dsnFor(id: string, subject: RegExp) {
  return waitFor(`a DSN about ${id}`, async () => {
    const all = await db().message.findMany({
      where: { mailbox: { address: "alice@example.com" }, inReplyTo: id },
      include: { blob: true, entries: { include: { folder: true } } },
    });
    return all.find((m) => subject.test(m.subject));
  });
}

describe("routing (RFC 5321 §5.1)", () => {
  it("delivers to the most preferred MX, DKIM-signed so that mailauth verifies it", async () => {
    const sent = await send(["kana@order.test"]);
    const [job] = await settled(sent.outboundMessageId);
    expect(job?.state).toBe("delivered");
    expect(job?.attempts).toBe(1);
    const [copy] = received(mx1, sent.id);
    expect(copy?.rcptTo).toEqual(["kana@order.test"]);
    expect(copy?.mailFrom).toBe("alice@example.com");
    expect(copy?.secure).toBe(true); // opportunistic STARTTLS
    expect(received(mx2, sent.id)).toHaveLength(0);
    const verdict = await authenticate(copy?.raw as Buffer, {
      ip: "127.0.0.1",
      helo: "mail.example.com",
      sender: "alice@example.com",
      mta: "mx1.order.test",
      resolver: createDnsResolver([dns.address]),
    });
    expect(verdict.dkim.results.map((r) => [r.signingDomain, r.status.result, Boolean(r.status.aligned)])).toEqual([
      ["example.com", "pass", true],
    ]);
    expect(await deliveryStatus(sent.storedMessageId)).toMatchObject({ state: "sent", reason: null });
  });

  it("falls back to the next MX when the first answers 421 at the greeting", async () => {
    mx1.behavior = { connect: () => ({ code: 421, message: "4.3.2 Too busy" }) };
    try {
      const sent = await send(["kana@order.test"]);
      expect((await settled(sent.outboundMessageId))[0]?.state).toBe("delivered");
      expect(received(mx2, sent.id)).toHaveLength(1);
      expect(received(mx1, sent.id)).toHaveLength(0);
    } finally {
      mx1.behavior = {};
    }
  });

  it("falls back to the next MX when the first cannot be reached", async () => {
    const sent = await send(["kana@fallback.test"]);
    expect((await settled(sent.outboundMessageId))[0]?.state).toBe("delivered");
    expect(received(mx2, sent.id)).toHaveLength(1);
  });

  it("uses the domain's A record when it has no MX (the implicit MX), without TLS if none is offered", async () => {
    const sent = await send(["kana@aonly.test"]);
    expect((await settled(sent.outboundMessageId))[0]?.state).toBe("delivered");
    expect(received(aOnly, sent.id).map((m) => m.secure)).toEqual([false]);
  });

  it("bounces at once for a null MX (RFC 7505), with a DSN in the sender's INBOX", async () => {
    const sent = await send(["kana@nullmx.test"]);
    const [job] = await settled(sent.outboundMessageId);
    expect(job).toMatchObject({ state: "bounced", attempts: 1 });
    const dsn = await dsnFor(sent.id, /^Undelivered Mail Returned to Sender$/);
    const raw = Buffer.from(dsn.blob.bytes).toString("latin1");
    expect(raw).toMatch(/Content-Type: multipart\/report; report-type=delivery-status;/);
    expect(raw).toContain("Auto-Submitted: auto-replied");
    expect(raw).toContain("Final-Recipient: rfc822; kana@nullmx.test\r\nAction: failed\r\nStatus: 5.1.10");
    expect(raw).toContain(`Content-Type: text/rfc822-headers\r\n\r\nDKIM-Signature:`);
    expect(raw).toContain(`Message-ID: <${sent.id}>`);
    expect(dsn.entries[0]?.folder.name).toBe("INBOX");
    expect(await deliveryStatus(sent.storedMessageId)).toMatchObject({ state: "bounced" });
  });

  it("bounces a domain that does not exist", async () => {
    const sent = await send(["kana@nxdomain.test"]);
    expect((await settled(sent.outboundMessageId))[0]?.state).toBe("bounced");
    await dsnFor(sent.id, /^Undelivered/);
  });
});

describe("per-recipient results (RFC 5321 §4.2.1)", () => {
  it("retries after a 4xx and then delivers", async () => {
    let refusals = 0;
    mx1.behavior = {
      rcpt: (a) =>
        a === "greylisted@order.test" && refusals++ === 0 ? { code: 451, message: "4.7.1 Greylisted" } : null,
    };
    try {
      const sent = await send(["greylisted@order.test"]);
      const [job] = await settled(sent.outboundMessageId);
      expect(job).toMatchObject({ state: "delivered", attempts: 2 });
      expect(received(mx1, sent.id)).toHaveLength(1);
    } finally {
      mx1.behavior = {};
    }
  });

  it("delivers to the good recipient and returns a DSN for the one answered 550", async () => {
    mx1.behavior = { rcpt: (a) => (a === "nobody@order.test" ? { code: 550, message: "5.1.1 No such user" } : null) };
    try {
      const sent = await send(["kana@order.test", "nobody@order.test"]);
      const [job] = await settled(sent.outboundMessageId);
      expect(job?.state).toBe("delivered");
      expect(job?.recipients).toMatchObject([
        { address: "kana@order.test", state: "delivered" },
        { address: "nobody@order.test", state: "bounced", status: "5.1.1" },
      ]);
      expect(received(mx1, sent.id).map((m) => m.rcptTo)).toEqual([["kana@order.test"]]);
      const dsn = Buffer.from((await dsnFor(sent.id, /^Undelivered/)).blob.bytes).toString("latin1");
      expect(dsn).toContain("Final-Recipient: rfc822; nobody@order.test");
      expect(dsn).toContain("Diagnostic-Code: smtp; 550 5.1.1 No such user");
      expect(dsn).toContain("Remote-MTA: dns; mx1.order.test");
      expect(dsn).not.toContain("rfc822; kana@order.test");
    } finally {
      mx1.behavior = {};
    }
  });

  it("retries a message answered 421 after DATA, and the session closing", async () => {
    let refusals = 0;
    mx1.behavior = {
      data: (m) =>
        m.raw.includes("Subject: closing") && refusals++ === 0 ? { code: 421, message: "4.3.2 Shutting down" } : null,
    };
    try {
      const sent = await send(["kana@order.test"], { subject: "closing" });
      expect((await settled(sent.outboundMessageId))[0]).toMatchObject({ state: "delivered", attempts: 2 });
      expect(received(mx1, sent.id)).toHaveLength(1);
    } finally {
      mx1.behavior = {};
    }
  });

  it("retries when the connection drops after DATA without a reply: at most one duplicate", async () => {
    let drops = 0;
    mx1.behavior = { data: (m) => (m.raw.includes("Subject: dropped") && drops++ === 0 ? "drop" : null) };
    try {
      const sent = await send(["kana@order.test"], { subject: "dropped" });
      expect((await settled(sent.outboundMessageId))[0]).toMatchObject({ state: "delivered", attempts: 2 });
      // The receiver got it twice: once unacknowledged, once acknowledged (RFC 5321 §6.1 accepts this).
      expect(received(mx1, sent.id)).toHaveLength(2);
    } finally {
      mx1.behavior = {};
    }
  });

  it("never sends a DSN about a message from the null sender <>", async () => {
    const before = await db().message.count();
    const outbound = await sqlTransaction((tx) =>
      enqueueTx(tx, {
        raw: Buffer.from("From: MAILER-DAEMON@example.com\r\nSubject: a bounce\r\n\r\nx\r\n"),
        mailFrom: "",
        recipients: ["someone@nullmx.test"],
        messageIdHeader: null,
        now: new Date(),
      }),
    );
    expect((await settled(outbound as number))[0]?.state).toBe("bounced");
    expect(await db().message.count()).toBe(before);
  });
});

describe("through a smarthost", () => {
  it("relays with STARTTLS and AUTH", async () => {
    const sent = await send(["kana@via-relay.test"]);
    expect((await settled(sent.outboundMessageId))[0]?.state).toBe("delivered");
    expect(received(relay, sent.id).map((m) => [m.secure, m.user])).toEqual([[true, "relayuser"]]);
  });
});

describe("the web composer's sendMessage", () => {
  it("sends as the shared mailbox with a conversation token, files the copy and reports delivery state", async () => {
    const fromMailboxId = await authorizeMailbox({ userId: ids.alice.id, mailboxId: ids.support.id });
    if (!fromMailboxId) throw new Error("alice is not a member of support@");
    const sent = await sendMessage({
      actorId: ids.alice.id,
      fromMailboxId,
      hostname: "mail.example.com",
      to: ["kana@order.test"],
      bcc: ["boss@order.test"],
      subject: "Re: Invoice",
      text: "We have re-issued your invoice.",
      inReplyTo: "customer-1@order.test",
      conversationId: 42,
    });
    expect(sent.messageIdHeader).toMatch(/^yb\.c42\.[a-z0-9]+@mail\.example\.com$/);
    expect(sent.delivery?.state).toBe("queued");
    await waitFor("delivery", async () => (await deliveryStatus(sent.messageId as number)).state === "sent");
    const [copy] = received(mx1, sent.messageIdHeader);
    expect(copy?.rcptTo.sort()).toEqual(["boss@order.test", "kana@order.test"]);
    expect(copy?.raw.toString()).not.toMatch(/^Bcc:/im);
    expect(copy?.raw.toString()).toContain("In-Reply-To: <customer-1@order.test>");
    const stored = await db().message.findUniqueOrThrow({ where: { id: sent.messageId as number } });
    expect(stored).toMatchObject({ mailboxId: ids.support.id, direction: "outbound" });
  });
});

describe("yubin queue", () => {
  it("lists, retries and drops jobs", async () => {
    const sent = await send(["held@elsewhere.test"]);
    const env = { DATABASE_URL: url };
    // A real `yubin` process lists; the steps after it run the same command code in this process.
    const listed = await runCli(["queue", "--json"], env);
    expect(listed.code).toBe(0);
    const jobs = JSON.parse(listed.stdout) as { id: number; domain: string; state: string }[];
    const job = jobs.find((j) => j.domain === "elsewhere.test");
    expect(job).toMatchObject({ state: "queued" });
    const id = job?.id as number;
    expect((await runCliInProcess(["queue", "retry", String(id)], env)).stdout).toContain(`retrying job ${id}`);
    expect((await runCliInProcess(["queue"], env)).stdout).toContain("held@elsewhere.test(pending)");
    expect((await runCliInProcess(["queue", "drop", String(id)], env)).code).toBe(0);
    expect(await db().deliveryJob.count({ where: { outboundMessageId: sent.outboundMessageId } })).toBe(0);
    const missing = await runCliInProcess(["queue", "drop", String(id)], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no job ${id}`);
  });
});

describe("expiry (fake clock)", () => {
  it("sends one delay notice after the delay, then gives up after the lifetime with a DSN", async () => {
    mx1.behavior = { rcpt: (a) => (a === "slow@order.test" ? { code: 451, message: "4.4.5 Try later" } : null) };
    try {
      const sent = await send(["slow@order.test"]);
      await waitFor("a first attempt", async () => {
        const job = await db().deliveryJob.findFirst({ where: { outboundMessageId: sent.outboundMessageId } });
        return job && job.attempts >= 1 && job.state === "deferred";
      });
      clockOffset += 1.5 * HOUR;
      const delayed = Buffer.from((await dsnFor(sent.id, /^Delayed Mail/)).blob.bytes).toString("latin1");
      expect(delayed).toContain("Action: delayed\r\nStatus: 4.4.5");
      expect(delayed).toContain("Will-Retry-Until:");
      clockOffset += 2 * HOUR;
      const [job] = await settled(sent.outboundMessageId);
      expect(job?.state).toBe("expired");
      const failed = Buffer.from((await dsnFor(sent.id, /^Undelivered/)).blob.bytes).toString("latin1");
      expect(failed).toContain("Action: failed\r\nStatus: 4.4.7");
      expect(failed).toContain("Diagnostic-Code: smtp; 451 4.4.5 Try later");
      // Exactly one delay notice.
      const notices = await db().message.count({ where: { inReplyTo: sent.id, subject: { startsWith: "Delayed" } } });
      expect(notices).toBe(1);
    } finally {
      mx1.behavior = {};
      clockOffset = 0;
    }
  });
});
