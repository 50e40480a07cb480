// Transcript tests for the inbound MX listener (mail-daemons/smtp/mx-server.ts)
// against an in-memory backend: each test reads like an RFC 5321 example,
// "C:" what the client sends, "S:" the reply it must get.
import { execFile, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadTlsCredentials, type TlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { hasBareLineEnding, withCrlfLineEndings } from "../../mail-daemons/smtp/message-collector.ts";
import type {
  DeliveryInput,
  DeliveryOutcome,
  MxBackend,
  RecipientVerdict,
} from "../../mail-daemons/smtp/mx-backend.ts";
import { type MxServer, startMxServer } from "../../mail-daemons/smtp/mx-server.ts";
import { MAX_MESSAGE_BYTES, MAX_RECEIVED_HEADERS, MAX_RECIPIENTS } from "../../server/limits.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

const HOSTNAME = "mx.yubin.test";

/** Local domain yubin.test: support (1), sales (2), userN (100+N), full (mailbox full). */
class FakeBackend implements MxBackend {
  delivered: DeliveryInput[] = [];
  checked: string[] = [];
  failRecipientCheck = false;
  failDelivery: "throw" | "partial" | null = null;

  async checkRecipient(address: string): Promise<RecipientVerdict> {
    this.checked.push(address);
    if (this.failRecipientCheck) throw new Error("database unavailable");
    const at = address.lastIndexOf("@");
    const local = address.slice(0, at).toLowerCase();
    if (at === -1 || address.slice(at + 1) !== "yubin.test") {
      return { ok: false, code: 554, enhanced: "5.7.1", message: "Relay access denied" };
    }
    if (local === "full") return { ok: false, code: 452, enhanced: "4.2.2", message: "Mailbox full" };
    if (local === "support") return { ok: true, mailboxIds: [1] };
    if (local === "sales") return { ok: true, mailboxIds: [2] };
    const n = /^user(\d+)$/.exec(local)?.[1];
    if (n) return { ok: true, mailboxIds: [100 + Number(n)] };
    return { ok: false, code: 550, enhanced: "5.1.1", message: "No such user here" };
  }

  async deliver(input: DeliveryInput): Promise<DeliveryOutcome> {
    if (this.failDelivery === "throw") throw new Error("could not commit");
    const recipients = input.recipients.map((r, i) =>
      this.failDelivery === "partial" && i > 0
        ? { address: r.address, ok: false as const, code: 452, enhanced: "4.2.2", message: "Mailbox full" }
        : { address: r.address, ok: true as const },
    );
    if (recipients.every((r) => r.ok)) this.delivered.push(input);
    return { recipients };
  }
}

// No DNS in tests: every name is NXDOMAIN, so SPF/DKIM/DMARC say "none".
const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

const message = (subject: string, extra = "") =>
  `From: Alice <alice@example.net>\r\nTo: support@yubin.test\r\n${extra}Subject: ${subject}\r\n` +
  "Message-ID: <m1@example.net>\r\n\r\nHello,\r\nthis is a test.\r\n";

let dataDir: string;
let tls: TlsCredentials;
let backend: FakeBackend;
let mx: MxServer;
const clients: SmtpClient[] = [];

beforeAll(async () => {
  dataDir = scratchDir("yubin-mx-");
  tls = await loadTlsCredentials({ dataDir, hostname: HOSTNAME });
  backend = new FakeBackend();
  mx = await startMxServer({
    port: 0,
    host: "127.0.0.1",
    hostname: HOSTNAME,
    tls,
    backend,
    dnsResolver: noDns,
    log: () => {},
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await mx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  backend.delivered = [];
  backend.checked = [];
  backend.failRecipientCheck = false;
  backend.failDelivery = null;
});

async function connect(port = mx.port): Promise<SmtpClient> {
  const { client, greeting } = await SmtpClient.connect(port);
  clients.push(client);
  expect(greeting.last).toBe(`220 ${HOSTNAME} ESMTP Yubin`);
  return client;
}

/** Plays "C: …" lines and checks that each reply starts with the "S: …" text. */
async function transcript(client: SmtpClient, steps: [string, string][]): Promise<void> {
  for (const [command, expected] of steps) {
    const reply = await client.send(command.replace(/^C: /, ""));
    expect(reply.last, command).toMatch(new RegExp(`^${escapeRegExp(expected.replace(/^S: /, ""))}`));
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function sendData(client: SmtpClient, body: string): Promise<string> {
  expect((await client.send("DATA")).last).toMatch(/^354 /);
  client.write(body.endsWith("\r\n") ? `${body}.\r\n` : `${body}\r\n.\r\n`);
  return (await client.reply()).last;
}

describe("session start (RFC 5321 §4.1.1.1, RFC 1869)", () => {
  it("greets with the hostname and advertises the extensions of an MX, without AUTH", async () => {
    const c = await connect();
    const ehlo = await c.send("EHLO client.example");
    expect(ehlo.lines).toEqual([
      `250-${HOSTNAME} Nice to meet you, [127.0.0.1]`,
      "250-PIPELINING",
      "250-8BITMIME",
      "250-SMTPUTF8",
      "250-ENHANCEDSTATUSCODES",
      "250-STARTTLS",
      `250 SIZE ${MAX_MESSAGE_BYTES}`,
    ]);
    expect(ehlo.lines.some((line) => /AUTH/i.test(line))).toBe(false);
    const auth = await c.send("AUTH PLAIN AGFsaWNlAHNlY3JldA==");
    expect(auth.code).toBeGreaterThanOrEqual(500);
    await transcript(c, [["C: QUIT", "S: 221 2.0.0"]]);
  });

  it("upgrades with STARTTLS (RFC 3207) and records ESMTPS", async () => {
    const c = await connect();
    await transcript(c, [["C: EHLO client.example", "S: 250 "]]);
    expect((await c.startTls()).last).toMatch(/^220 /);
    const ehlo = await c.send("EHLO client.example");
    expect(ehlo.lines).not.toContain("250-STARTTLS");
    await transcript(c, [
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0 Accepted"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5 Accepted"],
    ]);
    expect(await sendData(c, message("over TLS"))).toMatch(/^250 2\.6\.0 /);
    expect(backend.delivered).toHaveLength(1);
    expect(backend.delivered[0]?.tls).toBe(true);
    expect(backend.delivered[0]?.raw.toString()).toMatch(/with ESMTPS id /);
  });

  it("discards commands pipelined in plaintext after STARTTLS (STARTTLS injection, RFC 3207 §4.2)", async () => {
    const c = await connect();
    await transcript(c, [["C: EHLO client.example", "S: 250 "]]);
    // A man in the middle appends a transaction of its own to the client's STARTTLS, behind
    // enough lines that some are still queued when the handshake ends.
    c.write(
      `STARTTLS\r\n${"NOOP\r\n".repeat(3000)}MAIL FROM:<mallory@example.org>\r\nRCPT TO:<support@yubin.test>\r\n` +
        "DATA\r\nSubject: injected\r\n\r\nfrom the middle\r\n.\r\n",
    );
    expect((await c.reply()).code).toBe(220);
    await c.handshake();
    expect(c.unread).toBe("");
    // The first reply inside TLS is the one to our EHLO, and no transaction is open.
    expect((await c.send("EHLO client.example")).lines[0]).toMatch(/^250-mx\.yubin\.test /);
    expect((await c.send("RCPT TO:<support@yubin.test>")).code).toBe(503);
    expect((await c.send("QUIT")).code).toBe(221);
    expect(await c.rest()).toEqual([]);
    expect(backend.delivered).toHaveLength(0);
  });
});

describe("a delivery", () => {
  it("stores the exact bytes under our Received and Authentication-Results fields", async () => {
    const c = await connect();
    const body = message("exact bytes", "X-Odd:  two  spaces\r\n");
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net> BODY=8BITMIME", "S: 250 2.1.0 Accepted"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5 Accepted"],
    ]);
    expect(await sendData(c, body)).toMatch(/^250 2\.6\.0 Message accepted as /);
    const [stored] = backend.delivered;
    expect(stored).toBeDefined();
    if (!stored) return;
    expect(stored.mailFrom).toBe("alice@example.net");
    expect(stored.recipients).toEqual([{ address: "support@yubin.test", mailboxId: 1, quarantine: false }]);
    expect(stored.remoteAddress).toBe("127.0.0.1");
    expect(stored.heloName).toBe("client.example");
    expect(stored.tls).toBe(false);
    const text = stored.raw.toString("latin1");
    expect(text.endsWith(`${body}`)).toBe(true);
    const added = text.slice(0, text.length - body.length);
    expect(added).toMatch(
      new RegExp(
        "^Received: from client\\.example \\(\\[127\\.0\\.0\\.1\\]\\)\r\n" +
          `\tby ${escapeRegExp(HOSTNAME)} with ESMTP id \\S+\r\n` +
          "\tfor <support@yubin\\.test>;\r\n" +
          "\t\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\r\n" +
          `Authentication-Results: ${escapeRegExp(HOSTNAME)};\r\n`,
      ),
    );
    expect(added).toMatch(/spf=none/);
    expect(added).toMatch(/dmarc=none/);
    expect(stored.authResults.spf).toBe("none");
    expect(stored.authResults.dkim).toEqual([]);
    expect(stored.authResults.header).toBe(added.slice(added.indexOf("Authentication-Results:")));
  });

  it("drops Authentication-Results fields that claim our authserv-id, and only those (RFC 8601 §5)", async () => {
    const c = await connect();
    const forged =
      "Authentication-Results: MX.Yubin.Test; dkim=pass header.d=bank.example;\r\n" +
      "\tdmarc=pass header.from=bank.example\r\n" +
      "authentication-results : (looks legitimate) mx.yubin.test; spf=pass\r\n";
    const theirs = "Authentication-Results: relay.example.net; spf=fail smtp.mailfrom=bank.example\r\n";
    const lookalike = "Authentication-Results: mx.yubin.test.evil.example; dkim=pass\r\n";
    const bodyLine = "Authentication-Results: mx.yubin.test; this line is body text";
    const raw =
      `${forged}From: Bank <alerts@bank.example>\r\n${theirs}To: support@yubin.test\r\n${lookalike}` +
      `Subject: forged results\r\nMessage-ID: <forged-ar@bank.example>\r\n\r\n${bodyLine}\r\n`;
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alerts@bank.example>", "S: 250 2.1.0 Accepted"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5 Accepted"],
    ]);
    expect(await sendData(c, raw)).toMatch(/^250 2\.6\.0 /);
    const stored = backend.delivered.at(-1);
    expect(stored).toBeDefined();
    if (!stored) return;
    const text = stored.raw.toString("latin1");
    const ourField = stored.authResults.header;
    const afterOurs = text.slice(text.indexOf(ourField) + ourField.length);
    // Exactly the client's bytes minus the two forged fields (one folded over two lines).
    expect(afterOurs).toBe(
      `From: Bank <alerts@bank.example>\r\n${theirs}To: support@yubin.test\r\n${lookalike}` +
        `Subject: forged results\r\nMessage-ID: <forged-ar@bank.example>\r\n\r\n${bodyLine}\r\n`,
    );
    const headerSection = text.slice(0, text.indexOf("\r\n\r\n"));
    expect(headerSection.match(/^authentication-results[ \t]*:[ \t(]*[^;]*mx\.yubin\.test;/gim)).toHaveLength(1);
  });

  it("accepts the null reverse-path of a bounce (RFC 5321 §4.5.5)", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<>", "S: 250 2.1.0"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5"],
    ]);
    expect(await sendData(c, message("bounce"))).toMatch(/^250 /);
    expect(backend.delivered[0]?.mailFrom).toBeNull();
  });

  it("removes dot-stuffing (RFC 5321 §4.5.2)", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, "Subject: dots\r\n\r\n..leading dot\r\n..\r\nend")).toMatch(/^250 /);
    expect(backend.delivered[0]?.raw.toString()).toMatch(/\r\n\r\n\.leading dot\r\n\.\r\nend\r\n$/);
  });

  it("names no recipient in Received when there are several (RFC 5321 §4.4)", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ["C: RCPT TO:<sales@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, message("two"))).toMatch(/^250 /);
    expect(backend.delivered[0]?.recipients.map((r) => r.mailboxId)).toEqual([1, 2]);
    expect(backend.delivered[0]?.raw.toString()).not.toMatch(/\tfor </);
  });
});

describe("recipients (RFC 5321 §4.1.1.3)", () => {
  it("550 5.1.1 for an unknown local user", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<nobody@yubin.test>", "S: 550 5.1.1 No such user here"],
    ]);
  });

  it("554 5.7.1 for a domain that is not ours: no open relay", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<bob@example.org>", "S: 554 5.7.1 Relay access denied"],
      ["C: DATA", "S: 503 "],
    ]);
  });

  it.each([
    "a%example.net@yubin.test",
    '"a@example.net"@yubin.test',
    '"a%example.net"@yubin.test',
    "@yubin.test:a@example.net",
    "@example.net:support@yubin.test",
    "a@example.net@yubin.test",
    "example.net!a@yubin.test",
  ])("554 5.7.1 for the relay trick <%s>, without asking the backend", async (path) => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      [`C: RCPT TO:<${path}>`, "S: 554 5.7.1 Relay denied: "],
    ]);
    expect(backend.checked).toEqual([]);
  });

  it.each(["us..er@yubin.test", "user@yubin..test", "user@"])("501 5.1.3 for the malformed <%s>", async (path) => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      [`C: RCPT TO:<${path}>`, "S: 501 5.1.3 "],
    ]);
    expect(backend.checked).toEqual([]);
  });

  it("452 4.2.2 for a full mailbox only, the other recipient still gets the message", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<full@yubin.test>", "S: 452 4.2.2 Mailbox full"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5"],
    ]);
    expect(await sendData(c, message("quota"))).toMatch(/^250 /);
    expect(backend.delivered).toHaveLength(1);
    expect(backend.delivered[0]?.recipients).toEqual([
      { address: "support@yubin.test", mailboxId: 1, quarantine: false },
    ]);
  });

  it(`452 4.5.3 past ${MAX_RECIPIENTS} recipients (RFC 5321 §4.5.3.1.10), pipelined`, async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
    ]);
    const count = MAX_RECIPIENTS + 1;
    c.write(Array.from({ length: count }, (_, i) => `RCPT TO:<user${i}@yubin.test>\r\n`).join(""));
    const replies = [];
    for (let i = 0; i < count; i++) replies.push((await c.reply()).last);
    expect(replies.slice(0, MAX_RECIPIENTS).every((r) => r.startsWith("250 2.1.5"))).toBe(true);
    expect(replies[MAX_RECIPIENTS]).toMatch(/^452 4\.5\.3 /);
    expect(await sendData(c, message("many"))).toMatch(/^250 /);
    expect(backend.delivered[0]?.recipients).toHaveLength(MAX_RECIPIENTS);
  });

  it("451 4.3.0 when the backend cannot answer", async () => {
    backend.failRecipientCheck = true;
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<support@yubin.test>", "S: 451 4.3.0 "],
    ]);
  });
});

describe("message size (RFC 1870)", () => {
  it("552 5.3.4 for a declared SIZE over the limit", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      [`C: MAIL FROM:<alice@example.net> SIZE=${MAX_MESSAGE_BYTES + 1}`, "S: 552 5.3.4 "],
      [`C: MAIL FROM:<alice@example.net> SIZE=${MAX_MESSAGE_BYTES}`, "S: 250 2.1.0"],
    ]);
  });

  it("552 5.3.4 for a message that grows past the limit while streaming, then carries on", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5"],
      ["C: DATA", "S: 354 "],
    ]);
    const line = `${"x".repeat(998)}\r\n`;
    const block = line.repeat(1024); // 1 MiB
    c.write("Subject: big\r\n\r\n");
    for (let sent = 0; sent <= MAX_MESSAGE_BYTES; sent += block.length) c.write(block);
    c.write(".\r\n");
    expect((await c.reply(30_000)).last).toMatch(/^552 5\.3\.4 /);
    expect(backend.delivered).toHaveLength(0);
    await transcript(c, [["C: NOOP", "S: 250 "]]);
  });
});

describe("loops and failures", () => {
  const hops = (n: number) => "Received: from a.example by b.example; Sat, 28 Nov 2026 00:00:00 +0000\r\n".repeat(n);

  it(`554 5.4.0 for more than ${MAX_RECEIVED_HEADERS} Received fields (RFC 5321 §6.3)`, async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, hops(MAX_RECEIVED_HEADERS + 1) + message("loop"))).toMatch(/^554 5\.4\.0 /);
    await transcript(c, [
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, hops(MAX_RECEIVED_HEADERS) + message("not yet a loop"))).toMatch(/^250 /);
    expect(backend.delivered).toHaveLength(1);
  });

  it("451 4.3.0 when storing fails, and nothing is acknowledged", async () => {
    backend.failDelivery = "throw";
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, message("db down"))).toMatch(/^451 4\.3\.0 /);
  });

  it("451 4.3.0 when one of several recipients could not be stored", async () => {
    backend.failDelivery = "partial";
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ["C: RCPT TO:<sales@yubin.test>", "S: 250 "],
    ]);
    expect(await sendData(c, message("partial"))).toMatch(/^451 4\.3\.0 /);
  });
});

describe("SMTP smuggling (RFC 5321 §2.3.8, §4.1.1.4; CVE-2023-51766)", () => {
  const smuggled =
    "MAIL FROM:<mallory@example.net>\r\nRCPT TO:<sales@yubin.test>\r\nDATA\r\n" +
    "From: ceo@yubin.test\r\nSubject: smuggled\r\n\r\nwire the money\r\n";

  it.each([
    ["<LF>.<LF>", "\n.\n"],
    ["<LF>.<CRLF>", "\n.\r\n"],
    ["<CR>.<CRLF>", "\r.\r\n"],
    ["<CRLF>.<CR>", "\r\n.\r"],
    ["<CRLF>.<LF>", "\r\n.\n"],
    ["<CR>.<LF>", "\r.\n"],
    ["<CR>.<CR>", "\r.\r"],
    ["<LF>..<LF>", "\n..\n"],
    ["<CRLF>.<CR><CRLF>", "\r\n.\r\r\n"],
  ])("%s never ends DATA: one 554 5.6.0, no command is smuggled, nothing stored", async (_name, sequence) => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 2.1.0"],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 2.1.5"],
      ["C: DATA", "S: 354 "],
    ]);
    // One write, so that a server ending DATA early would run the rest as commands.
    c.write(`Subject: innocent\r\n\r\nhello${sequence}${smuggled}.\r\nQUIT\r\n`);
    expect(await c.rest()).toEqual([
      expect.stringMatching(/^554 5\.6\.0 Message contains a bare CR or LF/),
      expect.stringMatching(/^221 /),
    ]);
    expect(backend.delivered).toEqual([]);
    expect(backend.checked).toEqual(["support@yubin.test"]);
  });

  it("<CRLF>.<LF> split over many TCP segments is still body, not an end of DATA", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ["C: DATA", "S: 354 "],
    ]);
    for (const byte of `Subject: split\r\n\r\nhello\r\n.\n${smuggled}`) {
      c.write(byte);
      await new Promise((resolve) => setImmediate(resolve));
    }
    c.write(".\r\nQUIT\r\n");
    expect(await c.rest()).toEqual([expect.stringMatching(/^554 5\.6\.0 /), expect.stringMatching(/^221 /)]);
    expect(backend.delivered).toEqual([]);
    expect(backend.checked).toEqual(["support@yubin.test"]);
  });

  it("a message with only CRLF line endings is stored once", async () => {
    const c = await connect();
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ["C: DATA", "S: 354 "],
    ]);
    c.write("Subject: fine\r\n\r\nline one\r\nline two\r\n.\r\nQUIT\r\n");
    expect(await c.rest()).toEqual([expect.stringMatching(/^250 2\.6\.0 /), expect.stringMatching(/^221 /)]);
    expect(backend.delivered).toHaveLength(1);
  });

  it("finds a bare CR or LF across chunk boundaries", () => {
    expect(hasBareLineEnding(Buffer.from("a\r\nb\r"), false)).toBe(false);
    expect(hasBareLineEnding(Buffer.from("\nc"), true)).toBe(false);
    expect(hasBareLineEnding(Buffer.from("c"), true)).toBe(true);
    expect(hasBareLineEnding(Buffer.from("\nc"), false)).toBe(true);
    expect(hasBareLineEnding(Buffer.from("a\rb"), false)).toBe(true);
    expect(hasBareLineEnding(Buffer.from("a\n\r\n"), false)).toBe(true);
  });
});

describe("bare LF line endings, as Postfix and Dovecot accept them", () => {
  async function data(c: SmtpClient, bytes: string): Promise<string> {
    await transcript(c, [
      ["C: EHLO client.example", "S: 250 "],
      ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
      ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ["C: DATA", "S: 354 "],
    ]);
    c.write(bytes);
    return (await c.reply()).last;
  }
  /** What was stored after our Received and Authentication-Results fields. */
  const stored = () => {
    const last = backend.delivered.at(-1);
    const raw = last?.raw.toString("latin1") ?? "";
    return raw.slice(raw.indexOf(last?.authResults.header ?? "\0") + (last?.authResults.header.length ?? 0));
  };

  it("stores a message whose lines end in LF with CRLF line endings; only CRLF.CRLF ends DATA", async () => {
    const c = await connect();
    expect(await data(c, "Subject: lf\n\nline one\nline two\r\n.\r\n")).toMatch(/^250 2\.6\.0 /);
    expect(stored()).toBe("Subject: lf\r\n\r\nline one\r\nline two\r\n");
  });

  it("keeps CRLF lines as they are in a message that mixes both", async () => {
    const c = await connect();
    expect(await data(c, "Subject: mixed\r\nX-A: 1\n\r\nbody\nmore\r\n.\r\n")).toMatch(/^250 /);
    expect(stored()).toBe("Subject: mixed\r\nX-A: 1\r\n\r\nbody\r\nmore\r\n");
  });

  it("unstuffs dots after a bare LF and keeps lines of several dots", async () => {
    const c = await connect();
    expect(await data(c, "Subject: dots\n\n..hidden\n...\n....\nend\r\n.\r\n")).toMatch(/^250 /);
    expect(stored()).toBe("Subject: dots\r\n\r\n.hidden\r\n..\r\n...\r\nend\r\n");
  });

  it("turns bare LFs into CRLF and refuses only what smuggling needs (unit)", () => {
    const ok = (text: string) => withCrlfLineEndings(Buffer.from(text, "latin1"))?.toString("latin1");
    expect(ok("a\nb\r\nc\n")).toBe("a\r\nb\r\nc\r\n");
    expect(ok("\n\n")).toBe("\r\n\r\n");
    expect(ok("a\r\n.\r\nb\r\n")).toBe("a\r\n.\r\nb\r\n");
    expect(ok("a\n..\n...\n")).toBe("a\r\n..\r\n...\r\n");
    expect(ok("a\n.\n")).toBeUndefined();
    expect(ok(".\nb\r\n")).toBeUndefined();
    expect(ok("a\n.\r\n")).toBeUndefined();
    expect(ok("a\r\n.\n")).toBeUndefined();
    expect(ok("a\rb\r\n")).toBeUndefined();
    expect(ok("a\r\r\n")).toBeUndefined();
    expect(ok("a\r")).toBeUndefined();
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  it.skipIf(!python)(
    "accepts what Python's smtplib.sendmail(…, msg.as_bytes()) sends, for many message shapes",
    async () => {
      const script = path.join(import.meta.dirname, "../fixtures/smtplib-shapes.py");
      const { stdout } = await promisify(execFile)("python3", [script, String(mx.port), "support@yubin.test"], {
        timeout: 60_000,
      });
      const results = stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { name: string; bareLf: boolean; reply: string; expected: string });
      expect(results.length).toBeGreaterThanOrEqual(15);
      expect(results.filter((r) => r.bareLf).length).toBeGreaterThanOrEqual(14);
      const byMessageId = new Map(
        backend.delivered.map((d) => [/^Message-ID: <([^>]+)>/im.exec(d.raw.toString("latin1"))?.[1], d.raw]),
      );
      for (const [i, r] of results.entries()) {
        if (r.name === "single_dot_line") {
          // "<LF>.<LF>" in the body is the smuggling shape itself.
          expect(r.reply, r.name).toMatch(/^554 5\.6\.0 /);
          continue;
        }
        expect(r.reply, r.name).toBe("250");
        const raw = byMessageId.get(`shape-${i + 1}@customer.example`);
        expect(raw, r.name).toBeDefined();
        const expected = Buffer.from(r.expected, "base64");
        // Our Received and Authentication-Results fields, then exactly the sender's message with CRLF.
        expect(raw?.subarray(raw.length - expected.length).equals(expected), r.name).toBe(true);
        expect(/(?<!\r)\n/.test(raw?.toString("latin1") ?? ""), `${r.name}: no bare LF stored`).toBe(false);
      }
    },
  );
});

describe("interoperability with real clients", () => {
  const raw =
    "From: Alice <alice@example.net>\r\nTo: support@yubin.test\r\nSubject: =?UTF-8?B?5LqL5YuZ?=\r\n" +
    "Message-ID: <interop@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n" +
    "Content-Transfer-Encoding: 8bit\r\n\r\nこんにちは\r\n.a line starting with a dot\r\n";

  function expectStoredExactly(stored: DeliveryInput | undefined, helo: string) {
    expect(stored).toBeDefined();
    if (!stored) return;
    expect(stored.raw.subarray(stored.raw.length - Buffer.byteLength(raw)).equals(Buffer.from(raw))).toBe(true);
    const added = stored.raw.subarray(0, stored.raw.length - Buffer.byteLength(raw)).toString();
    expect(added).toMatch(
      new RegExp(
        `^Received: from ${escapeRegExp(helo)} \\(\\[127\\.0\\.0\\.1\\]\\)\r\n\tby ${escapeRegExp(HOSTNAME)} with ESMTPS id \\S+\r\n` +
          `\tfor <support@yubin\\.test>;\r\n\t[^\r\n]+\\+0000\r\nAuthentication-Results: ${escapeRegExp(HOSTNAME)};\r\n[\\s\\S]*\r\n$`,
      ),
    );
    expect(stored.tls).toBe(true);
  }

  it("nodemailer over STARTTLS", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: mx.port,
      secure: false,
      requireTLS: true,
      name: "nodemailer.example",
      tls: { rejectUnauthorized: false },
    });
    const info = await transport.sendMail({
      envelope: { from: "alice@example.net", to: ["support@yubin.test"] },
      raw,
    });
    transport.close();
    expect(info.response).toMatch(/^250 2\.6\.0 /);
    expect(backend.delivered).toHaveLength(1);
    expectStoredExactly(backend.delivered[0], "nodemailer.example");
  });

  const swaks = spawnSync("swaks", ["--version"]).status === 0;
  const swaksTitle = swaks
    ? "swaks over STARTTLS"
    : "swaks over STARTTLS: SKIPPED, swaks is not installed (apt-get install swaks libio-socket-ssl-perl)";

  it.skipIf(!swaks)(swaksTitle, async () => {
    const file = path.join(dataDir, "swaks-message.eml");
    // swaks always sends its own CRLF before "<CRLF>.<CRLF>"; without the last
    // CRLF in the file, what arrives is exactly `raw`.
    writeFileSync(file, raw.slice(0, -2));
    const { stdout } = await promisify(execFile)(
      "swaks",
      [
        "--server",
        "127.0.0.1",
        "--port",
        String(mx.port),
        "--helo",
        "swaks.example",
        "--from",
        "alice@example.net",
        "--to",
        "support@yubin.test",
        "--tls",
        "--data",
        `@${file}`,
      ],
      { timeout: 20_000 },
    );
    expect(stdout).toMatch(/<~ {2}250 2\.6\.0 /);
    expect(backend.delivered).toHaveLength(1);
    expectStoredExactly(backend.delivered[0], "swaks.example");
  });
});

describe("DNS for mail authentication", () => {
  it("gives temperror, not a hang, when the configured resolver never answers", async () => {
    // A UDP socket that swallows every query: the worst kind of broken resolver.
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    const server = await startMxServer({
      port: 0,
      host: "127.0.0.1",
      hostname: HOSTNAME,
      tls,
      backend,
      dnsServers: [`127.0.0.1:${silent.address().port}`],
      log: () => {},
    });
    const c = await connect(server.port);
    try {
      await transcript(c, [
        ["C: EHLO client.example", "S: 250 "],
        ["C: MAIL FROM:<alice@example.net>", "S: 250 "],
        ["C: RCPT TO:<support@yubin.test>", "S: 250 "],
      ]);
      const started = Date.now();
      expect(await sendData(c, message("dns down"))).toMatch(/^250 /);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(backend.delivered[0]?.authResults.spf).toBe("temperror");
      expect(backend.delivered[0]?.authResults.header).toMatch(/spf=temperror/);
    } finally {
      c.close();
      await server.close();
      silent.close();
    }
  });
});

describe("TLS credentials (mail-daemons/shared/tls.ts)", () => {
  it("makes a self-signed certificate once, keeps the key 0600 and reuses it", async () => {
    const again = await loadTlsCredentials({ dataDir, hostname: HOSTNAME });
    expect(again.cert.equals(tls.cert)).toBe(true);
    expect(again.key.equals(tls.key)).toBe(true);
    expect(statSync(path.join(dataDir, "tls", HOSTNAME, "key.pem")).mode & 0o777).toBe(0o600);
    expect(tls.cert.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("reads the operator's PEM files when given", async () => {
    const certPath = path.join(dataDir, "tls", HOSTNAME, "cert.pem");
    const keyPath = path.join(dataDir, "tls", HOSTNAME, "key.pem");
    const loaded = await loadTlsCredentials({ certPath, keyPath, dataDir: "/nonexistent", hostname: "other.test" });
    expect(loaded.cert.equals(tls.cert)).toBe(true);
    await expect(loadTlsCredentials({ certPath, dataDir, hostname: HOSTNAME })).rejects.toThrow(/together/);
  });
});
