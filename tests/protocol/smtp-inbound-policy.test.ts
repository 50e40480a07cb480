// The MX over the real store, with the outside world's DNS on loopback:
// postmaster@ and abuse@ for every local domain (RFC 5321 §4.5.1, RFC 2142),
// and DMARC p=reject / p=quarantine enforced (RFC 7489 §6.6) as each local
// domain's admin chose (`yubin domain set DOMAIN --dmarc …`).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { type MxServer, startMxServer } from "../../mail-daemons/smtp/mx-server.ts";
import { mxStoreBackend } from "../../mail-daemons/smtp/mx-store-backend.ts";
import { db } from "../../server/db.ts";
import { dnsRecords } from "../../server/domains/dns-records.ts";
import { setDomainMailPolicy } from "../../server/domains/mail-policy.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { customerMail, deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

const HOSTNAME = "mx.example.com";
let dns: DnsServer;
let mx: MxServer;
let dataDir: string;
const mailbox: Record<string, number> = {};

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain("example.com");
  await makeDomain("example.org");
  await makeUser("ann@example.com", { admin: true });
  await makeUser("ben@example.org", { admin: true });
  await makeUser("gone@example.com", { admin: true });
  await db().user.update({ where: { email: "gone@example.com" }, data: { disabled: true } });
  await makeUser("ops@elsewhere.net", { admin: true });
  await makeUser("alice@example.com");
  await makeSharedMailbox("support@example.com", ["alice@example.com"]);
  await makeSharedMailbox("sales@example.org", []);
  for (const m of await db().mailbox.findMany()) mailbox[m.address] = m.id;
  dns = await startDnsServer({
    "_dmarc.reject.example": [{ type: "TXT", text: "v=DMARC1; p=reject" }],
    "_dmarc.quarantine.example": [{ type: "TXT", text: "v=DMARC1; p=quarantine" }],
    "_dmarc.sampled.example": [{ type: "TXT", text: "v=DMARC1; p=reject; pct=0" }],
    "_dmarc.monitor.example": [{ type: "TXT", text: "v=DMARC1; p=none; rua=mailto:dmarc@monitor.example" }],
  });
  dataDir = scratchDir("yubin-inbound-policy-");
  mx = await startMxServer({
    port: 0,
    host: "127.0.0.1",
    hostname: HOSTNAME,
    tls: await loadTlsCredentials({ dataDir, hostname: HOSTNAME }),
    backend: mxStoreBackend,
    dnsServers: [dns.address],
    log: () => {},
  });
});

afterAll(async () => {
  await mx?.close();
  await dns?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One SMTP transaction; the replies to each RCPT and to the end of DATA. */
async function send(from: string, to: string[], raw: Buffer): Promise<{ rcpt: string[]; data: string }> {
  const { client } = await SmtpClient.connect(mx.port);
  try {
    expect((await client.send("EHLO sender.example")).code).toBe(250);
    expect((await client.send(`MAIL FROM:<${from}>`)).code).toBe(250);
    const rcpt = [];
    for (const address of to) rcpt.push((await client.send(`RCPT TO:<${address}>`)).last);
    if (!rcpt.some((r) => r.startsWith("250"))) return { rcpt, data: "" };
    expect((await client.send("DATA")).code).toBe(354);
    client.write(Buffer.concat([raw, Buffer.from(".\r\n")]));
    return { rcpt, data: (await client.reply()).last };
  } finally {
    client.close();
  }
}

/** Where each copy of a message landed: mailbox address, folder, flags, conversation status. */
async function copies(messageId: string) {
  const messages = await db().message.findMany({
    where: { messageIdHeader: messageId },
    include: { mailbox: true, conversation: true, entries: { include: { folder: true } } },
    orderBy: { mailboxId: "asc" },
  });
  return messages.map((m) => ({
    mailbox: m.mailbox.address,
    folder: m.entries[0]?.folder.name,
    flags: m.entries[0]?.flags,
    status: m.conversation?.status,
    threadReason: m.threadReason,
  }));
}

describe("postmaster@ and abuse@ (RFC 5321 §4.5.1)", () => {
  it("exist for every local domain and reach every active admin's personal mailbox", async () => {
    for (const [n, to] of ["postmaster@example.com", "Abuse@Example.ORG", "POSTMASTER+dmarc@example.org"].entries()) {
      const mail = customerMail({ to, messageId: `role-${n}@sender.example` });
      const r = await send("someone@sender.example", [to], mail.raw);
      expect(r.rcpt, to).toEqual([expect.stringMatching(/^250 2\.1\.5 /)]);
      expect(r.data, to).toMatch(/^250 2\.6\.0 /);
      expect((await copies(mail.messageId)).map((c) => c.mailbox)).toEqual(["ann@example.com", "ben@example.org"]);
    }
  });

  it("go where an admin points them, and an address with a mailbox of its own keeps it", async () => {
    await setDomainMailPolicy({ domain: "example.com", postmaster: "support@example.com", actorId: null });
    const a = customerMail({ to: "postmaster@example.com" });
    expect((await send("x@sender.example", ["postmaster@example.com"], a.raw)).data).toMatch(/^250 /);
    expect((await copies(a.messageId)).map((c) => c.mailbox)).toEqual(["support@example.com"]);

    await makeSharedMailbox("abuse@example.org", []);
    const b = customerMail({ to: "abuse@example.org" });
    expect((await send("x@sender.example", ["abuse@example.org"], b.raw)).data).toMatch(/^250 /);
    expect((await copies(b.messageId)).map((c) => c.mailbox)).toEqual(["abuse@example.org"]);

    await setDomainMailPolicy({ domain: "example.com", postmaster: null, actorId: null });
  });

  it("other role-like names are not invented, and foreign domains stay foreign", async () => {
    const r = await send(
      "x@sender.example",
      ["hostmaster@example.com", "postmaster@elsewhere.net"],
      customerMail().raw,
    );
    expect(r.rcpt).toEqual([
      expect.stringMatching(/^550 5\.1\.1 /),
      expect.stringMatching(/^554 5\.7\.1 Relay access denied/),
    ]);
  });

  it("receive the aggregate reports of the DMARC record Yubin suggests", async () => {
    const records = await dnsRecords("example.org", HOSTNAME);
    const rua = /_dmarc\.example\.org\.\tTXT\t"v=DMARC1; p=quarantine; rua=mailto:([^"; ]+)"/.exec(records)?.[1];
    expect(rua).toBe("postmaster@example.org");
    const report = customerMail({
      from: "noreply-dmarc-support@google.com",
      to: rua,
      subject: "Report domain: example.org Submitter: google.com Report-ID: 123",
    });
    expect((await send("noreply-dmarc-support@google.com", [rua as string], report.raw)).data).toMatch(/^250 /);
    expect((await copies(report.messageId)).map((c) => c.mailbox)).toEqual(["ann@example.com", "ben@example.org"]);
  });
});

describe("DMARC enforcement (RFC 7489 §6.6)", () => {
  const from = (domain: string, extra: Partial<Parameters<typeof customerMail>[0]> = {}) =>
    customerMail({ from: `Someone <someone@${domain}>`, to: "support@example.com", ...extra });

  it("refuses mail failing a p=reject policy with 550 5.7.1 and stores nothing", async () => {
    const mail = from("reject.example");
    const r = await send("someone@reject.example", ["support@example.com"], mail.raw);
    expect(r.data).toMatch(/^550 5\.7\.1 Rejected by the DMARC policy of reject\.example/);
    expect(await copies(mail.messageId)).toEqual([]);
  });

  it("is not fooled by a second From address or field (RFC 7489 §6.6.1: the strictest policy applies)", async () => {
    const oneField = customerMail({ from: "Bank <someone@reject.example>, Me <me@monitor.example>" });
    const r1 = await send("me@monitor.example", ["support@example.com"], oneField.raw);
    expect(r1.data).toMatch(/^550 5\.7\.1 Rejected by the DMARC policy of reject\.example/);
    const twoFields = customerMail({
      from: "Me <me@monitor.example>",
      headers: ["From: Bank <someone@reject.example>"],
    });
    const r2 = await send("me@monitor.example", ["support@example.com"], twoFields.raw);
    expect(r2.data).toMatch(/^550 5\.7\.1 Rejected by the DMARC policy of reject\.example/);
    expect([...(await copies(oneField.messageId)), ...(await copies(twoFields.messageId))]).toEqual([]);
  });

  it("puts mail failing a p=quarantine policy in Spam, in a conversation of its own", async () => {
    const original = await deliver(mailbox["support@example.com"] as number, {
      from: "Someone <someone@quarantine.example>",
      subject: "Invoice",
      messageId: "invoice-1@quarantine.example",
    });
    const forged = from("quarantine.example", {
      subject: "Re: Invoice",
      headers: ["In-Reply-To: <invoice-1@quarantine.example>"],
    });
    expect((await send("someone@quarantine.example", ["support@example.com"], forged.raw)).data).toMatch(
      /^250 2\.6\.0/,
    );
    expect(await copies(forged.messageId)).toEqual([
      { mailbox: "support@example.com", folder: "Junk", flags: ["$Junk"], status: "spam", threadReason: "new" },
    ]);
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: original.conversationId } });
    expect([conversation.status, conversation.messageCount]).toEqual(["open", 1]);
  });

  it("applies pct= (a sample spared from p=reject is quarantined) and delivers p=none as any mail", async () => {
    const sampled = from("sampled.example");
    expect((await send("someone@sampled.example", ["support@example.com"], sampled.raw)).data).toMatch(/^250 /);
    expect((await copies(sampled.messageId)).map((c) => c.status)).toEqual(["spam"]);
    const monitored = from("monitor.example");
    expect((await send("someone@monitor.example", ["support@example.com"], monitored.raw)).data).toMatch(/^250 /);
    expect(await copies(monitored.messageId)).toEqual([
      { mailbox: "support@example.com", folder: "INBOX", flags: [], status: "open", threadReason: "new" },
    ]);
  });

  it("follows each recipient domain's override: quarantine instead of reject, or off", async () => {
    await setDomainMailPolicy({ domain: "example.com", dmarc: "quarantine", actorId: null });
    await setDomainMailPolicy({ domain: "example.org", dmarc: "off", actorId: null });
    try {
      const one = from("reject.example");
      expect((await send("someone@reject.example", ["support@example.com"], one.raw)).data).toMatch(/^250 /);
      expect((await copies(one.messageId)).map((c) => [c.mailbox, c.status])).toEqual([
        ["support@example.com", "spam"],
      ]);

      // One reply per DATA: a message that one recipient domain would refuse
      // and another accepts is accepted, and goes to Spam where it would have been refused.
      await setDomainMailPolicy({ domain: "example.com", dmarc: "policy", actorId: null });
      const both = from("reject.example", { to: "support@example.com, sales@example.org" });
      const r = await send("someone@reject.example", ["support@example.com", "sales@example.org"], both.raw);
      expect(r.data).toMatch(/^250 /);
      expect((await copies(both.messageId)).map((c) => [c.mailbox, c.folder, c.status])).toEqual([
        ["support@example.com", "Junk", "spam"],
        ["sales@example.org", "INBOX", "open"],
      ]);
    } finally {
      await setDomainMailPolicy({ domain: "example.com", dmarc: "policy", actorId: null });
      await setDomainMailPolicy({ domain: "example.org", dmarc: "policy", actorId: null });
    }
  });

  it("stores the verdict it acted on", async () => {
    const mail = from("quarantine.example");
    await send("someone@quarantine.example", ["support@example.com"], mail.raw);
    const message = await db().message.findFirstOrThrow({ where: { messageIdHeader: mail.messageId } });
    expect(message.authResults).toMatchObject({
      dmarc: { result: "fail", policy: "quarantine", pct: 100, fromDomain: "quarantine.example" },
    });
  });
});
