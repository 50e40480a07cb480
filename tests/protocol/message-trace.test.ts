// The message trace end to end: a real `yubin start --roles mail,delivery`,
// real SMTP clients (nodemailer, Python's smtplib) at its MX and submission
// ports, the outside world's DNS on loopback and a loopback "remote" MX for
// the delivery queue. Each kind of transaction leaves exactly one trace with
// the fields that tell its story; `yubin trace` prints that story.
import { execFile } from "node:child_process";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import type { Prisma } from "../../server/generated/prisma/client.ts";
import { MAX_MESSAGE_BYTES, TRACE_MAX_STEPS } from "../../server/limits.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliver, makeUser, TEST_PASSWORD } from "../support/factories.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

let yubin: YubinProcess;
let dns: DnsServer;
let sink: SmtpSink;
let mxPort = 0;
let submissionPort = 0;
let databaseUrl = "";
let n = 0;

beforeAll(async () => {
  databaseUrl = await useTestDatabase();
  const outboundPort = await freePort();
  [mxPort, submissionPort] = [await freePort(), await freePort()];
  sink = await startSmtpSink({ host: "127.0.0.1", port: outboundPort });
  dns = await startDnsServer({
    // The sender's domain says only its own servers send for it, and 127.0.0.1 is not one.
    "spf-fail.example": [{ type: "TXT", text: "v=spf1 ip4:192.0.2.1 -all" }],
    "remote.test": [{ type: "MX", preference: 10, exchange: "mx.remote.test" }],
    "mx.remote.test": [{ type: "A", address: "127.0.0.1" }],
  });
  yubin = await startYubinProcess({
    roles: "mail,delivery",
    env: {
      DATABASE_URL: databaseUrl,
      YUBIN_SMTP_PORT: String(mxPort),
      YUBIN_SUBMISSION_PORT: String(submissionPort),
      YUBIN_HOSTNAME: "mx.example.com",
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_SMTP_OUTBOUND_PORT: String(outboundPort),
      YUBIN_ADMIN_EMAIL: "admin@example.com",
      YUBIN_ADMIN_PASSWORD: "trace-test-password",
      YUBIN_QUEUE_RETRY_MIN_SECONDS: "0.3",
      YUBIN_QUEUE_RETRY_MAX_SECONDS: "0.3",
      YUBIN_DELIVERY_POLL_MS: "50",
    },
  });
  await makeUser("alice@example.com", { name: "Alice Agent" });
  const full = await createMailbox({
    address: "full@example.com",
    kind: "shared",
    memberEmails: ["alice@example.com"],
    actorId: null,
  });
  await setQuotaLimits({ address: "full@example.com", quotaMessages: 1, actorId: null });
  await deliver(full.id, { subject: "the one message that fills it" });
}, 120_000);

afterAll(async () => {
  await yubin?.stop();
  await sink?.close();
  await dns?.close();
});

const mx = () =>
  nodemailer.createTransport({
    host: "127.0.0.1",
    port: mxPort,
    secure: false,
    name: "client.customer.example",
    tls: { rejectUnauthorized: false },
  });

const submission = (user: string, pass: string) =>
  nodemailer.createTransport({
    host: "127.0.0.1",
    port: submissionPort,
    secure: false,
    requireTLS: true,
    name: "laptop.example.com",
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
  });

/** Python's smtplib, for what nodemailer will not send: a SIZE over the limit, bare-LF line endings. */
function smtplib(script: string): Promise<Record<string, unknown>> {
  const program = `
import json, smtplib, sys
s = smtplib.SMTP("127.0.0.1", ${mxPort}, local_hostname="py.customer.example")
s.ehlo()
out = {}
${script}
try:
    s.quit()
except Exception:
    pass
print(json.dumps(out))
`;
  return new Promise((resolve, reject) =>
    execFile("python3", ["-c", program], { timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

const traces = (where: Prisma.MessageTraceWhereInput) =>
  db().messageTrace.findMany({ where, orderBy: [{ startedAt: "asc" }, { id: "asc" }] });

/**
 * Waits for the transaction's trace, then proves there is no second one:
 * a later transaction's trace comes out of the same process's buffer after it.
 */
async function onlyTrace(where: Prisma.MessageTraceWhereInput) {
  await waitFor("the trace", async () => (await traces(where)).length > 0);
  const marker = `marker${++n}@customer.example`;
  await mx().sendMail({ from: marker, to: "support@example.com", subject: "marker", text: "marker" });
  await waitFor("the marker's trace", async () => (await traces({ mailFrom: marker })).length > 0);
  const all = await traces(where);
  expect(all).toHaveLength(1);
  return all[0] as NonNullable<(typeof all)[number]>;
}

const rcpts = (trace: { details: unknown }) =>
  (trace.details as { rcpts: { address: string; code: number; reply: string }[] }).rcpts;

describe("inbound at the MX", () => {
  it("accepted: client, HELO, TLS, envelope, replies, checks, headline, and the message and conversation it made", async () => {
    const info = await mx().sendMail({
      from: "Customer <customer@customer.example>",
      to: "support@example.com",
      subject: "請求書の再発行について",
      text: "Please send the invoice again.",
      messageId: "<accepted.1@customer.example>",
    });
    expect(info.response).toMatch(/^250 /);
    const trace = await onlyTrace({ messageIdHeader: "accepted.1@customer.example" });
    expect(trace).toMatchObject({
      kind: "mx",
      result: "delivered",
      clientAddress: "127.0.0.1",
      clientName: null,
      helo: "client.customer.example",
      authUser: null,
      mailFrom: "customer@customer.example",
      recipients: ["support@example.com"],
      replyCode: 250,
      spf: "none",
      dkim: "none",
      dmarc: "none",
      arc: "none",
      subject: "請求書の再発行について",
    });
    expect(trace.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect(trace.tlsCipher).toBeTruthy();
    // The reply exactly as the client read it.
    expect(trace.replyText).toBe(info.response);
    expect(trace.replyText).toMatch(/^250 2\.6\.0 Message accepted as /);
    expect(rcpts(trace)).toEqual([{ address: "support@example.com", code: 250, reply: "250 2.1.5 Accepted" }]);
    const stored = await db().message.findFirstOrThrow({ where: { messageIdHeader: "accepted.1@customer.example" } });
    expect(trace.messageIds).toEqual([stored.id]);
    expect(trace.conversationIds).toEqual([stored.conversationId]);
    expect(trace.size).toBeGreaterThan(100);
    // The transcript has the commands and replies, STARTTLS included.
    const steps = (trace.details as { steps: { command?: string; reply?: string }[] }).steps;
    expect(steps.map((s) => s.command?.split(/[ :]/)[0]).filter(Boolean)).toEqual(
      expect.arrayContaining(["EHLO", "STARTTLS", "MAIL", "RCPT", "DATA"]),
    );
  });

  it("unknown user: 550 5.1.1 at RCPT, nothing stored", async () => {
    await expect(
      mx().sendMail({ from: "someone@customer.example", to: "nobody@example.com", subject: "x", text: "x" }),
    ).rejects.toThrow(/550/);
    const trace = await onlyTrace({ mailFrom: "someone@customer.example" });
    expect(trace).toMatchObject({ result: "rejected", replyCode: 550, replyText: "550 5.1.1 No such user here" });
    expect(rcpts(trace)).toEqual([{ address: "nobody@example.com", code: 550, reply: "550 5.1.1 No such user here" }]);
    expect(trace.messageIds).toEqual([]);
  });

  it("relay refused: 554 5.7.1 for a domain that is not ours", async () => {
    await expect(
      mx().sendMail({ from: "relay@customer.example", to: "victim@elsewhere.example", subject: "x", text: "x" }),
    ).rejects.toThrow(/554/);
    const trace = await onlyTrace({ mailFrom: "relay@customer.example" });
    expect(trace).toMatchObject({ result: "rejected", replyCode: 554, replyText: "554 5.7.1 Relay access denied" });
    expect(trace.recipients).toEqual(["victim@elsewhere.example"]);
  });

  it("over quota: 452 4.2.2 at RCPT, deferred", async () => {
    await expect(
      mx().sendMail({ from: "customer-full@shop.example", to: "full@example.com", subject: "x", text: "x" }),
    ).rejects.toThrow(/452/);
    const trace = await onlyTrace({ mailFrom: "customer-full@shop.example" });
    expect(trace).toMatchObject({
      result: "deferred",
      replyCode: 452,
      replyText: "452 4.2.2 Mailbox full, try again later",
      recipients: ["full@example.com"],
    });
  });

  it("too big: a SIZE over the limit is refused 552 at MAIL FROM", async () => {
    const out = await smtplib(`
code, msg = s.mail("big@customer.example", ["SIZE=${MAX_MESSAGE_BYTES + 1}"])
out["mail"] = [code, msg.decode()]
`);
    expect((out.mail as [number, string])[0]).toBe(552);
    const trace = await onlyTrace({ mailFrom: "big@customer.example" });
    expect(trace).toMatchObject({ result: "rejected", replyCode: 552, size: MAX_MESSAGE_BYTES + 1, recipients: [] });
    expect(trace.replyText).toMatch(/^552 5\.3\.4 /);
  });

  it("smuggling: bare LF around a lone dot is refused 554 5.6.0, with the message's headline kept", async () => {
    const out = await smtplib(`
msg = b"From: <smuggler@customer.example>\\r\\nSubject: smuggled\\r\\nMessage-ID: <smuggle.1@customer.example>\\r\\n\\r\\nhi\\n.\\nMAIL FROM:<x@y>\\r\\n"
try:
    s.sendmail("smuggler@customer.example", ["support@example.com"], msg)
    out["data"] = [250, ""]
except smtplib.SMTPDataError as e:
    out["data"] = [e.smtp_code, e.smtp_error.decode()]
`);
    expect((out.data as [number, string])[0]).toBe(554);
    const trace = await onlyTrace({ mailFrom: "smuggler@customer.example" });
    expect(trace).toMatchObject({
      result: "rejected",
      replyCode: 554,
      messageIdHeader: "smuggle.1@customer.example",
      subject: "smuggled",
      messageIds: [],
    });
    expect(trace.replyText).toMatch(/^554 5\.6\.0 .*smuggling/);
  });

  it("SPF fail: accepted, and the verdict is kept", async () => {
    await mx().sendMail({
      from: "bob@spf-fail.example",
      to: "support@example.com",
      subject: "from a server not allowed",
      text: "x",
      messageId: "<spf.1@spf-fail.example>",
    });
    const trace = await onlyTrace({ messageIdHeader: "spf.1@spf-fail.example" });
    expect(trace).toMatchObject({ result: "delivered", spf: "fail", mailFrom: "bob@spf-fail.example" });
  });
});

describe("hostile clients", () => {
  it("a flood of commands leaves one bounded trace: the first steps kept, the rest counted", async () => {
    const { client } = await SmtpClient.connect(mxPort);
    expect((await client.send("EHLO flood.example")).code).toBe(250);
    for (let i = 0; i < TRACE_MAX_STEPS + 50; i++) client.write("NOOP\r\n");
    for (let i = 0; i < TRACE_MAX_STEPS + 50; i++) await client.reply();
    expect((await client.send("MAIL FROM:<flood@customer.example>")).code).toBe(250);
    expect((await client.send("RCPT TO:<nobody@example.com>")).code).toBe(550);
    expect((await client.send("QUIT")).code).toBe(221);
    client.close();
    const trace = await onlyTrace({ mailFrom: "flood@customer.example" });
    const details = trace.details as { steps: unknown[]; droppedSteps: number };
    expect(details.steps).toHaveLength(TRACE_MAX_STEPS);
    expect(details.droppedSteps).toBeGreaterThanOrEqual(50);
    // What the steps lost, the record's own fields still say.
    expect(trace).toMatchObject({ result: "rejected", replyCode: 550, recipients: ["nobody@example.com"] });
  });
});

describe("submission", () => {
  it("AUTH failure: one trace for the session, with the login it tried and 535 5.7.8", async () => {
    await expect(
      submission("alice@example.com", "wrong password").sendMail({
        from: "alice@example.com",
        to: "x@remote.test",
        text: "x",
      }),
    ).rejects.toThrow(/535/);
    const trace = await onlyTrace({ kind: "submission", authUser: "alice@example.com", result: "rejected" });
    expect(trace).toMatchObject({ mailFrom: null, replyCode: 535, helo: "laptop.example.com" });
    expect(trace.replyText).toMatch(/^535 5\.7\.8 /);
    expect(trace.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    // The credentials themselves are never kept: AUTH shows only its mechanism.
    const credentials = Buffer.from("\0alice@example.com\0wrong password").toString("base64");
    expect(JSON.stringify(trace.details)).not.toContain(credentials);
    const steps = (trace.details as { steps: { command?: string }[] }).steps;
    expect(steps.filter((s) => s.command?.startsWith("AUTH")).map((s) => s.command)).toEqual(["AUTH PLAIN …"]);
  });
});

describe("delivery", () => {
  const sent = async (to: string, subject: string) => {
    const messageId = `<${subject.replace(/\W+/g, "-")}.${++n}@example.com>`;
    const info = await submission("alice@example.com", TEST_PASSWORD).sendMail({
      from: "alice@example.com",
      to,
      subject,
      text: "Hello from the team.",
      messageId,
    });
    expect(info.response).toMatch(/^250 /);
    return messageId.slice(1, -1);
  };

  it("deferred, then delivered: one trace per attempt, with the host, TLS, each reply and the next retry", async () => {
    let refusals = 0;
    sink.behavior.rcpt = (address) =>
      address === "later@remote.test" && refusals++ === 0 ? { code: 451, message: "4.4.5 Try again later" } : null;
    const messageId = await sent("later@remote.test", "deferred then delivered");
    const attempts = await waitFor("two attempts", async () => {
      const found = await traces({ kind: "delivery", messageIdHeader: messageId });
      return found.length >= 2 && found;
    });
    expect(attempts).toHaveLength(2);
    const [first, second] = attempts as [(typeof attempts)[0], (typeof attempts)[0]];
    expect(first).toMatchObject({
      result: "deferred",
      attempt: 1,
      remoteHost: "mx.remote.test",
      remoteAddress: "127.0.0.1",
      replyCode: 451,
      replyText: "451 4.4.5 Try again later",
      mailFrom: "alice@example.com",
      recipients: ["later@remote.test"],
      subject: "deferred then delivered",
    });
    expect(first.nextAttemptAt).not.toBeNull();
    expect(first.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect(second).toMatchObject({ result: "delivered", attempt: 2, replyCode: 250, nextAttemptAt: null });
    expect(first.outboundMessageId).toBe(second.outboundMessageId);
    // The submission that queued it is traced once, linked to the same queued message.
    const submitted = await onlyTrace({ kind: "submission", messageIdHeader: messageId });
    expect(submitted).toMatchObject({ result: "delivered", authUser: "alice@example.com" });
    expect(submitted.outboundMessageId).toBe(first.outboundMessageId);
    expect(submitted.conversationIds).toHaveLength(1);
    sink.behavior.rcpt = undefined;
  });

  it("bounced: 550 5.1.1 from the remote, with the DSN that went back to the sender", async () => {
    sink.behavior.rcpt = (address) =>
      address === "gone@remote.test" ? { code: 550, message: "5.1.1 User unknown" } : null;
    const messageId = await sent("gone@remote.test", "bounced");
    const trace = await onlyTrace({ kind: "delivery", messageIdHeader: messageId });
    expect(trace).toMatchObject({ result: "bounced", attempt: 1, replyCode: 550, replyText: "550 5.1.1 User unknown" });
    expect(trace.dsnMessageId).toBeTruthy();
    // The DSN is in the sender's own mailbox.
    const dsn = await db().message.findFirst({ where: { messageIdHeader: trace.dsnMessageId } });
    expect(dsn?.subject).toBe("Undelivered Mail Returned to Sender");
    sink.behavior.rcpt = undefined;
  });
});

describe("yubin trace", () => {
  it("prints the story of a refusal with what it means", async () => {
    const out = await runCliInProcess(["trace", "customer-full@shop.example", "--since", "1h"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("Recipient full@example.com refused");
    expect(out.stdout).toContain("452 4.2.2 Mailbox full, try again later");
    expect(out.stdout).toContain("The mailbox was full");
    const json = await runCliInProcess(["trace", "<spf.1@spf-fail.example>", "--json"]);
    const [story] = JSON.parse(json.stdout) as { trace: { spf: string }; entries: { why?: string }[] }[];
    expect(story?.trace.spf).toBe("fail");
    expect(story?.entries.map((e) => e.why)).toContain("spf.fail");
  });

  it("refuses a range over 31 days and bad usage, as a real process too", async () => {
    const wide = await runCliInProcess(["trace", "x@y", "--since", "32d"]);
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain("at most 31 days");
    expect((await runCliInProcess(["trace"])).code).toBe(2);
    expect((await runCliInProcess(["trace", "x", "--since", "soon"])).code).toBe(2);
    const real = await runCli(["trace", "127.0.0.1", "--since", "1h", "--result", "rejected"], {
      DATABASE_URL: databaseUrl,
    });
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("No such user here");
  });
});
