// A connector's SMTP relay (the smarthost, per mailbox): a reply sent from
// the web as support@ — the connected mailbox — leaves through the relay on
// loopback, authenticated with the connector's relay user and password,
// while mail from another mailbox goes to the recipient's MX as before; a
// relay that refuses the password leaves the message deferred in the queue
// with the reason said plainly; a relay set after the mail was queued is used
// for it; a relay removed sends the next message direct again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryWorkers, startDeliveryWorkers } from "../../../mail-daemons/delivery/delivery-worker.ts";
import { createMxResolver } from "../../../mail-daemons/delivery/mx-lookup.ts";
import { authorizeMailbox, mailboxesForLogin } from "../../../server/access/gate.ts";
import { addConnector, updateConnector } from "../../../server/connectors/connector-admin.ts";
import { relaysForSenders } from "../../../server/connectors/relay-route.ts";
import { testRelay, testStoredRelay } from "../../../server/connectors/test-relay.ts";
import { db } from "../../../server/db.ts";
import { listQueue, retryJob } from "../../../server/outbound/queue-admin.ts";
import { sendMessage } from "../../../server/outbound/send-message.ts";
import { submitMessage } from "../../../server/outbound/submit-message.ts";
import { useTestDatabase } from "../../support/database.ts";
import { type DnsServer, startDnsServer } from "../../support/dns-server.ts";
import { seedOutbound } from "../../support/outbound-fixtures.ts";
import { type SmtpSink, startSmtpSink } from "../../support/smtp-sink.ts";
import { waitFor } from "../../support/wait.ts";
import { freePort, scratchDir } from "../../support/yubin-process.ts";

const dataDir = scratchDir("connector-relay-");
let dns: DnsServer;
let mx: SmtpSink;
let relay: SmtpSink;
let workers: DeliveryWorkers;
let ids: Awaited<ReturnType<typeof seedOutbound>>;
let connectorId = 0;
let counter = 0;

beforeAll(async () => {
  await useTestDatabase();
  ids = await seedOutbound();
  const port = await freePort();
  [mx, relay] = await Promise.all([
    startSmtpSink({ host: "127.0.0.2", port }),
    startSmtpSink({ host: "127.0.0.5", auth: { user: "support@remote.example", pass: "relay-pass-1" } }),
  ]);
  dns = await startDnsServer({
    "order.test": [{ type: "MX", preference: 10, exchange: "mx1.order.test" }],
    "mx1.order.test": [{ type: "A", address: "127.0.0.2" }],
  });
  workers = startDeliveryWorkers({
    hostname: "mail.example.com",
    port,
    resolver: createMxResolver([dns.address]),
    relays: (senders) => relaysForSenders(senders, dataDir),
    policy: {
      retryMinSeconds: 60,
      retryMaxSeconds: 60,
      lifetimeSeconds: 3600,
      delayNoticeSeconds: 3600,
      leaseSeconds: 30,
    },
    workers: 2,
    maxPerDestination: 3,
    pollMs: 50,
    domains: ["order.test"],
    log: () => {},
  });
  const c = await addConnector({
    address: "support@example.com",
    settings: {
      host: "imap.remote.example",
      port: 993,
      tls: "implicit",
      username: "support@remote.example",
      password: "imap-pass",
      relay: {
        host: "127.0.0.5",
        port: relay.port,
        tls: "starttls",
        username: "support@remote.example",
        password: "relay-pass-1",
        // The sink's certificate is self-signed for another name.
        checkCertificate: false,
      },
    },
    dataDir,
    actorId: null,
  });
  connectorId = c.id;
});

afterAll(async () => {
  await workers?.stop();
  await Promise.all([mx, relay].map((s) => s?.close()));
  await dns?.close();
});

async function replyFromSupport(subject: string) {
  const fromMailboxId = await authorizeMailbox({ userId: ids.alice.id, mailboxId: ids.support.id });
  if (!fromMailboxId) throw new Error("alice is not a member of support@");
  const sent = await sendMessage({
    actorId: ids.alice.id,
    fromMailboxId,
    hostname: "mail.example.com",
    to: ["kana@order.test"],
    subject,
    text: "We have re-issued your invoice.",
    conversationId: ++counter,
  });
  const job = await db().deliveryJob.findFirstOrThrow({
    where: { outboundMessage: { storedMessageId: sent.messageId as number } },
  });
  return { ...sent, jobId: job.id };
}

async function fromAlice(subject: string) {
  const id = `alice${++counter}@example.com`;
  const raw = Buffer.from(
    `From: alice@example.com\r\nTo: kana@order.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\n\r\nHi.\r\n`,
  );
  const granted = await mailboxesForLogin({ user: ids.alice, mailboxId: null });
  const r = await submitMessage({
    userId: ids.alice.id,
    sendAs: granted.map((m) => m.mailboxId),
    mailFrom: "alice@example.com",
    recipients: ["kana@order.test"],
    raw,
    hostname: "mail.example.com",
  });
  if (!r.ok || r.held) throw new Error("not queued");
  return { id, outboundMessageId: r.outboundMessageId as number };
}

const jobState = (jobId: number) => db().deliveryJob.findUniqueOrThrow({ where: { id: jobId } });
const at = (sink: SmtpSink, subject: string) => sink.messages.filter((m) => m.raw.includes(`Subject: ${subject}`));

describe("a connector's SMTP relay", () => {
  it("is tested like the IMAP side: a good password, a refused one and a closed port, each said plainly", async () => {
    const good = await testRelay({ ...relayEndpoint(), password: "relay-pass-1" });
    expect(good).toEqual({ ok: true, message: `Relay: 127.0.0.5:${relay.port} accepted the user name and password` });
    const bad = await testRelay({ ...relayEndpoint(), password: "nope-not-it" });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^Relay: 127\.0\.0\.5:\d+ refused the user name or password \(535/);
    expect(bad.message).not.toContain("nope-not-it");
    const closed = await testRelay({ ...relayEndpoint(), port: await freePort(), password: "x" });
    expect(closed).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Relay: 127\.0\.0\.5:\d+ could not be reached/),
    });
    // The certificate is checked unless told not to: the sink's is self-signed for another name.
    const checked = await testRelay({ ...relayEndpoint(), checkCertificate: true, password: "relay-pass-1" });
    expect(checked).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Relay: TLS with 127\.0\.0\.5:\d+ failed/),
    });
    expect(await testStoredRelay(connectorId, dataDir)).toMatchObject({ ok: true });
  });

  it("carries replies from the connected mailbox, authenticated, and not mail from other mailboxes", async () => {
    const reply = await replyFromSupport("Re: Invoice 1");
    const other = await fromAlice("From Alice 1");
    await waitFor("the reply delivered", async () => (await jobState(reply.jobId)).state === "delivered");
    await waitFor("Alice's delivered", async () =>
      (await db().deliveryJob.findMany({ where: { outboundMessageId: other.outboundMessageId } })).every(
        (j) => j.state === "delivered",
      ),
    );
    const [relayed] = at(relay, "Re: Invoice 1");
    expect(relayed).toMatchObject({
      mailFrom: "support@example.com",
      rcptTo: ["kana@order.test"],
      secure: true, // STARTTLS before AUTH
      user: "support@remote.example",
    });
    expect(at(mx, "Re: Invoice 1")).toHaveLength(0);
    expect(at(mx, "From Alice 1")).toHaveLength(1);
    expect(at(relay, "From Alice 1")).toHaveLength(0);
    expect((await jobState(reply.jobId)).lastReply).toMatch(/^250/);
  });

  it("leaves the reply deferred with a plain reason when the relay refuses the password, and sends it once fixed", async () => {
    await updateConnector({
      id: connectorId,
      changes: { relay: { ...relayEndpoint(), password: "not-the-relay-password" } },
      dataDir,
      actorId: null,
    });
    const before = relay.messages.length;
    const reply = await replyFromSupport("Re: Invoice 2");
    await waitFor("deferred", async () => (await jobState(reply.jobId)).state === "deferred");
    const [entry] = (await listQueue()).filter((e) => e.id === reply.jobId);
    expect(entry?.lastReply).toMatch(
      /relay 127\.0\.0\.5:\d+ of support@example\.com \(connector #\d+\) refused the user name or password: 535/,
    );
    expect(entry?.lastReply).not.toContain("not-the-relay-password");
    expect(relay.messages.length).toBe(before);
    expect(at(mx, "Re: Invoice 2")).toHaveLength(0); // never around the relay to the MX
    // The password fixed (the relay's host and user kept), the waiting reply goes through it.
    await updateConnector({
      id: connectorId,
      changes: { relay: { ...relayEndpoint(), password: "relay-pass-1" } },
      dataDir,
      actorId: null,
    });
    await retryJob(reply.jobId);
    await waitFor("delivered after the fix", async () => (await jobState(reply.jobId)).state === "delivered");
    expect(at(relay, "Re: Invoice 2")).toHaveLength(1);
  });

  it("sends direct again once the relay is removed; a second relay for the same mailbox is refused", async () => {
    await expect(
      addConnector({
        address: "support@example.com",
        settings: {
          host: "imap.other.example",
          port: 993,
          tls: "implicit",
          username: "x",
          password: "y",
          relay: { ...relayEndpoint(), password: "z" },
        },
        dataDir,
        actorId: null,
      }),
    ).rejects.toThrow(/already relays mail sent from support@example\.com/);
    await updateConnector({ id: connectorId, changes: { relay: null }, dataDir, actorId: null });
    const reply = await replyFromSupport("Re: Invoice 3");
    await waitFor("delivered", async () => (await jobState(reply.jobId)).state === "delivered");
    expect(at(mx, "Re: Invoice 3")).toHaveLength(1);
    expect(at(relay, "Re: Invoice 3")).toHaveLength(0);
    const audit = await db().auditEvent.findMany({ where: { action: "connector.edit" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toMatch(/relay-pass-1|not-the-relay-password/);
  });
});

function relayEndpoint() {
  return {
    host: "127.0.0.5",
    port: relay.port,
    tls: "starttls" as const,
    username: "support@remote.example",
    checkCertificate: false,
  };
}
