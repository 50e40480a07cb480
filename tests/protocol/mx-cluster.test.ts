// The inbound MX as a cluster (YUBIN_SMTP_PROCESSES=2): both processes serve
// the one port, and none outlives its primary.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { SMTP_MAX_CONNECTIONS_PER_ADDRESS } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { processAlive, waitFor } from "../support/wait.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

let yubin: YubinProcess;
let dns: DnsServer;
let smtpPort = 0;

beforeAll(async () => {
  dns = await startDnsServer();
  smtpPort = await freePort();
  yubin = await startYubinProcess({
    roles: "web,mail",
    env: {
      DATABASE_URL: await useTestDatabase(),
      YUBIN_SMTP_PORT: String(smtpPort),
      YUBIN_SMTP_PROCESSES: "2",
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_ADMIN_EMAIL: "admin@example.com",
      YUBIN_ADMIN_PASSWORD: "cluster-password-1",
    },
  });
});

afterAll(async () => {
  await yubin?.stop();
  await dns?.close();
});

describe("a two-process MX", () => {
  it("serves one port from both processes and stores every message", async () => {
    const workers = [...yubin.output().matchAll(/^smtp\[(\d+)\]: mx: listening/gm)].map((m) => Number(m[1]));
    expect(workers).toHaveLength(2);
    expect(yubin.output()).toContain(`smtp: localhost:${smtpPort}`);
    // Separate connections, so that the primary hands them to both workers in turn.
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, ignoreTLS: true });
        await transport.sendMail({
          from: `c${i}@customer.example`,
          to: "support@example.com",
          subject: `cluster ${i}`,
          text: "hello",
          messageId: `<cluster-${i}@customer.example>`,
        });
        transport.close();
      }),
    );
    expect(await db().message.count({ where: { messageIdHeader: { startsWith: "cluster-" } } })).toBe(12);
    // Each worker's log line reaches us through the primary's output, a little after the reply.
    const served = () =>
      new Set([...yubin.output().matchAll(/^smtp\[(\d+)\]: mx: \S+ from /gm)].map((m) => Number(m[1])));
    await waitFor("a logged delivery from each worker", () => served().size === workers.length, 5000);
    expect(served()).toEqual(new Set(workers));
    const health = await fetch(`${yubin.baseUrl}/api/health`);
    expect(await health.json()).toMatchObject({ ok: true, roles: { mail: true } });
  });

  it("caps a client address for the port, not for each process (the primary counts for both)", async () => {
    const open: SmtpClient[] = [];
    try {
      for (let i = 0; i < SMTP_MAX_CONNECTIONS_PER_ADDRESS; i++) {
        const { client, greeting } = await SmtpClient.connect(smtpPort);
        open.push(client);
        expect(greeting.code).toBe(220);
      }
      const { client, greeting } = await SmtpClient.connect(smtpPort);
      open.push(client);
      expect(greeting.last).toBe("421 4.7.0 Too many connections from your address, try again later");
      expect(await client.rest()).toEqual([]);
    } finally {
      for (const c of open) c.close();
    }
  });

  it("takes its workers down with it when the primary is killed", async () => {
    const workers = [...yubin.output().matchAll(/^smtp\[(\d+)\]: mx: listening/gm)].map((m) => Number(m[1]));
    expect(workers.every(processAlive)).toBe(true);
    await yubin.stop("SIGKILL");
    await waitFor("the workers to exit with their primary", () => !workers.some(processAlive), 5000);
  });
});
