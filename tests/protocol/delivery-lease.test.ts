// A delivery worker keeps the lease of the jobs it is sending for as long
// as it works on them (server/outbound/claim-jobs.ts renewLeases), so a
// transaction that outlives the lease — a slow remote, a busy machine — is
// not taken over and sent a second time by another worker. Found by the
// outbound chaos run (bench/chaos-outbound.ts): copies at the sink after a
// 250 with no process killed. Two worker pools share the database here, as
// two `yubin start --roles delivery` processes do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryWorkers, startDeliveryWorkers } from "../../mail-daemons/delivery/delivery-worker.ts";
import { createMxResolver } from "../../mail-daemons/delivery/mx-lookup.ts";
import { mailboxesForLogin } from "../../server/access/gate.ts";
import { db } from "../../server/db.ts";
import { submitMessage } from "../../server/outbound/submit-message.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { seedOutbound } from "../support/outbound-fixtures.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";

let dns: DnsServer;
let sink: SmtpSink;
const pools: DeliveryWorkers[] = [];
let ids: Awaited<ReturnType<typeof seedOutbound>>;

beforeAll(async () => {
  await useTestDatabase();
  ids = await seedOutbound();
  sink = await startSmtpSink({ host: "127.0.0.1", tls: false });
  dns = await startDnsServer({
    "slow.test": [{ type: "MX", preference: 10, exchange: "mx.slow.test" }],
    "mx.slow.test": [{ type: "A", address: "127.0.0.1" }],
  });
  for (let i = 0; i < 2; i++) {
    pools.push(
      startDeliveryWorkers({
        hostname: "mail.example.com",
        port: sink.port,
        resolver: createMxResolver([dns.address]),
        // A lease of 1 s, and a remote that takes 2.5 s to answer the end of data.
        policy: {
          retryMinSeconds: 60,
          retryMaxSeconds: 60,
          lifetimeSeconds: 3600,
          delayNoticeSeconds: 0,
          leaseSeconds: 1,
        },
        workers: 2,
        maxPerDestination: 2,
        pollMs: 50,
        domains: ["slow.test"],
        log: () => {},
      }),
    );
  }
});

afterAll(async () => {
  for (const pool of pools) await pool.stop();
  await sink?.close();
  await dns?.close();
});

describe("a transaction longer than the lease", () => {
  it("is sent once: the worker keeps its lease while the remote is slow", async () => {
    sink.behavior = { replyDelayMs: 2500 };
    const raw = Buffer.from(
      "From: Alice <alice@example.com>\r\nTo: x@slow.test\r\nSubject: slow\r\nMessage-ID: <lease-1@example.com>\r\n\r\nHello.\r\n",
    );
    const granted = await mailboxesForLogin({ user: ids.alice, mailboxId: null });
    const result = await submitMessage({
      userId: ids.alice.id,
      sendAs: granted.map((m) => m.mailboxId),
      mailFrom: "alice@example.com",
      recipients: ["x@slow.test"],
      raw,
      hostname: "mail.example.com",
    });
    if (!result.ok) throw new Error(result.message);
    await waitFor(
      "the job to be delivered",
      async () => (await db().deliveryJob.findFirst({ where: { domain: "slow.test" } }))?.state === "delivered",
      15_000,
    );
    // Time for a second copy, had another worker taken the job over.
    await new Promise((r) => setTimeout(r, 3000));
    expect(sink.messages.filter((m) => m.raw.includes("lease-1@example.com")).length).toBe(1);
    expect(sink.connections).toBe(1);
  });
});
