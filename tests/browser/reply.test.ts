// Replying from the browser, end to end: a customer's mail arrives at Yubin's
// MX, the admin answers it in Chromium, Yubin's delivery role carries the
// answer to the customer's MX (a loopback sink found through a loopback DNS
// server), DKIM-signed and threaded, and the customer's answer to it comes
// back into the same conversation by Yubin's reply token.
import { authenticate } from "mailauth";
import { simpleParser } from "mailparser";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDnsResolver } from "../../mail-daemons/shared/dns-resolver.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { dnsRecords } from "../../server/domains/dns-records.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "reply e2e password 1" };
const SUBJECT = "Where is my order #4711?";
const CUSTOMER_ID = "order-4711@customer.example";
const ANSWER = "Hello Hanako, your order left our warehouse today.";

let yubin: YubinProcess;
let dns: DnsServer;
let sink: SmtpSink;
let browser: Browser;
let page: Page;
let smtpPort = 0;
let conversationUrl = "";

/** Publishes example.com's DKIM key(s) in the loopback DNS, as `yubin domain show` prints them. */
async function publishDkim() {
  const zone = await dnsRecords("example.com", "127.0.0.1");
  for (const line of zone.split("\n")) {
    const m = /^(\S+\._domainkey\.example\.com)\.\s+TXT\s+(.*)$/.exec(line);
    if (!m) continue;
    const text = [...(m[2] ?? "").matchAll(/"([^"]*)"/g)].map((q) => q[1]).join("");
    dns.records.set(m[1] as string, [{ type: "TXT", text }]);
  }
}

function messageCards(): Locator {
  return page.getByTestId("message");
}

beforeAll(async () => {
  sink = await startSmtpSink({ host: "127.0.0.1" });
  dns = await startDnsServer({
    "customer.example": [
      { type: "MX", preference: 10, exchange: "mx.customer.example" },
      { type: "TXT", text: "v=spf1 ip4:127.0.0.1 -all" },
    ],
    "mx.customer.example": [{ type: "A", address: "127.0.0.1" }],
  });
  ({ yubin, smtpPort } = await startMailApp({
    admin: ADMIN,
    roles: "web,mail,delivery",
    env: {
      YUBIN_SMTP_OUTBOUND_PORT: String(sink.port),
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_DELIVERY_POLL_MS: "200",
      YUBIN_QUEUE_RETRY_MIN_SECONDS: "1",
    },
  }));
  await publishDkim();
  await deliverToYubin(smtpPort, {
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "Hello,\nI ordered a teapot last week. Where is it?\nHanako",
    messageId: `<${CUSTOMER_ID}>`,
    attachments: [
      { filename: "receipt.pdf", content: Buffer.from("%PDF-1.4 receipt\n"), contentType: "application/pdf" },
    ],
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await sink?.close();
  await dns?.close();
  await disconnectDb();
});

describe("replying from the browser", () => {
  it("replies from the browser and checks the sink received the threaded message", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.getByRole("link", { name: /Where is my order/ }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    conversationUrl = page.url();
    await messageCards().first().waitFor();

    await messageCards().first().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = page.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    expect(await composer.getByTestId("composer-from").textContent()).toBe("Support <support@example.com>");
    expect(await composer.getByLabel("To", { exact: true }).inputValue()).toBe("Hanako Sato <hanako@customer.example>");
    expect(await composer.getByLabel("Subject", { exact: true }).inputValue()).toBe(`Re: ${SUBJECT}`);
    const body = composer.getByLabel("Message", { exact: true });
    await expect.poll(() => body.evaluate((t: HTMLTextAreaElement) => document.activeElement === t)).toBe(true);
    expect(await body.inputValue()).toMatch(/\n\nOn .+, Hanako Sato <hanako@customer\.example> wrote:\n> Hello,\n/);
    // The cursor starts above the quoted history.
    await page.keyboard.type(ANSWER);

    // An empty To is caught in the composer, before anything is sent.
    const to = composer.getByLabel("To", { exact: true });
    await to.fill("");
    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.getByText("Add at least one recipient.").waitFor();
    await to.fill("Hanako Sato <hanako@customer.example>");
    await composer.getByText("Add at least one recipient.").waitFor({ state: "detached" });
    await page.screenshot({ path: "/tmp/yubin-composer.png", fullPage: true });

    // A double click sends once: the button is disabled while the first is on its way.
    await composer.getByRole("button", { name: "Send", exact: true }).dblclick();
    await composer.waitFor({ state: "detached" });
    await expect.poll(() => messageCards().count(), { timeout: 10_000 }).toBe(2);
    const sent = messageCards().nth(1);
    expect(await sent.textContent()).toContain(ANSWER);
    expect(await sent.textContent()).toContain("sent");

    const received = await waitFor("the reply at the customer's MX", async () => sink.messages[0]);
    const parsed = await simpleParser(received.raw);
    expect(parsed.inReplyTo).toBe(`<${CUSTOMER_ID}>`);
    expect(parsed.references).toBe(`<${CUSTOMER_ID}>`);
    expect(parsed.from?.value).toEqual([{ name: "Support", address: "support@example.com" }]);
    expect(parsed.subject).toBe(`Re: ${SUBJECT}`);
    expect(parsed.text).toContain(`${ANSWER}\n\nOn `);
    expect(parsed.messageId).toMatch(/^<yb\.c\d+\.[a-z0-9]+@127\.0\.0\.1>$/);
    expect(received.mailFrom).toBe("support@example.com");
    expect(received.rcptTo).toEqual(["hanako@customer.example"]);
    const verdict = await authenticate(received.raw, {
      ip: "127.0.0.1",
      helo: "127.0.0.1",
      sender: "support@example.com",
      mta: "mx.customer.example",
      resolver: createDnsResolver([dns.address]),
    });
    const dkim = verdict.dkim.results.map((r) => [r.signingDomain, r.status.result, Boolean(r.status.aligned)]);
    expect(dkim.length).toBeGreaterThan(0);
    for (const result of dkim) expect(result).toEqual(["example.com", "pass", true]);

    // The badge follows the queue to "Sent" by itself.
    await sent.getByTestId("delivery-state").filter({ hasText: "Sent" }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: "/tmp/yubin-reply-sent.png", fullPage: true });
    // Exactly one message: the double click stored one outbound copy with one delivery job, and
    // the badge said "Sent" only once that job was recorded as delivered, after which nothing retries it.
    expect(await db().outboundMessage.count()).toBe(1);
    expect(await db().deliveryJob.findMany({ select: { state: true } })).toEqual([{ state: "delivered" }]);
    expect(sink.messages).toHaveLength(1);

    // The customer answers our reply with a new subject: Yubin's token threads it.
    await deliverToYubin(smtpPort, {
      from: "Hanako Sato <hanako@customer.example>",
      to: "support@example.com",
      subject: "Thank you!",
      text: "Great, thanks.",
      messageId: "<thanks-1@customer.example>",
      inReplyTo: parsed.messageId,
      references: [`<${CUSTOMER_ID}>`, parsed.messageId as string],
    });
    const answer = await waitFor("the customer's answer", () =>
      db().message.findFirst({ where: { messageIdHeader: "thanks-1@customer.example" } }),
    );
    const ours = await db().message.findFirstOrThrow({ where: { messageIdHeader: parsed.messageId?.slice(1, -1) } });
    expect(answer).toMatchObject({ conversationId: ours.conversationId, threadReason: "reply_token" });
    await page.goto(conversationUrl);
    await expect.poll(() => messageCards().count()).toBe(3);
    expect(await messageCards().nth(2).getByTestId("thread-reason").textContent()).toBe(
      "joined by Yubin's reply token",
    );

    // Forward starts with no recipient, "Fwd:" and the original's attachment carried along.
    await messageCards().first().getByRole("button", { name: "Forward" }).click();
    const forward = page.getByRole("form", { name: "Forward" });
    await forward.waitFor();
    expect(await forward.getByLabel("To", { exact: true }).inputValue()).toBe("");
    expect(await forward.getByLabel("Subject", { exact: true }).inputValue()).toBe(`Fwd: ${SUBJECT}`);
    expect(await forward.getByRole("checkbox", { name: /receipt\.pdf/ }).isChecked()).toBe(true);
    await page.screenshot({ path: "/tmp/yubin-forward.png", fullPage: true });
    await forward.getByRole("button", { name: "Discard" }).click();
    await forward.waitFor({ state: "detached" });
    expect(sink.messages).toHaveLength(1);
  });

  it("sends simple rich text: a bold word arrives as HTML beside the plain text", async () => {
    await page.goto(conversationUrl);
    await messageCards().last().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = page.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    await composer.getByRole("button", { name: "Rich text" }).click();
    const editor = composer.getByRole("textbox", { name: "Message" });
    await editor.click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("Very ");
    await page.keyboard.down("Shift");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.up("Shift");
    await composer.getByRole("button", { name: "Bold" }).click();
    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.waitFor({ state: "detached" });
    const received = await waitFor("the rich reply at the customer's MX", async () => sink.messages[1]);
    const parsed = await simpleParser(received.raw);
    expect(parsed.html).toMatch(/<b>Very ?<\/b>/);
    expect(parsed.text?.startsWith("Very")).toBe(true);
    expect(sink.messages).toHaveLength(2);
  });
});
