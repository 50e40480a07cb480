// Approval (確認者), end to end in Chromium: a trainee whose replies need
// approval answers a customer; nothing reaches the customer's MX (a loopback
// sink found through a loopback DNS server) and the held reply shows in the
// conversation. The admin — a reviewer as an admin member — sees it under
// Approvals with a count, approves it in the browser, and the sink receives
// exactly one threaded message from the shared mailbox.
import { simpleParser } from "mailparser";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "approval e2e password 1" };
const TRAINEE = { email: "trainee@example.com", password: "approval e2e password 2" };
const SUBJECT = "Broken teapot lid";
const CUSTOMER_ID = "teapot-lid@customer.example";
const ANSWER = "We are sending a new lid today <b>free</b> of charge.";

let yubin: YubinProcess;
let dns: DnsServer;
let sink: SmtpSink;
let browser: Browser;
let author: Page;
let reviewer: Page;

beforeAll(async () => {
  sink = await startSmtpSink({ host: "127.0.0.1" });
  dns = await startDnsServer({
    "customer.example": [
      { type: "MX", preference: 10, exchange: "mx.customer.example" },
      { type: "TXT", text: "v=spf1 ip4:127.0.0.1 -all" },
    ],
    "mx.customer.example": [{ type: "A", address: "127.0.0.1" }],
  });
  const started = await startMailApp({
    admin: ADMIN,
    roles: "web,mail,delivery",
    env: {
      YUBIN_SMTP_OUTBOUND_PORT: String(sink.port),
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_DELIVERY_POLL_MS: "200",
      YUBIN_QUEUE_RETRY_MIN_SECONDS: "1",
    },
  });
  yubin = started.yubin;
  await deliverToYubin(started.smtpPort, {
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "The lid arrived broken.",
    messageId: `<${CUSTOMER_ID}>`,
  });
  await waitFor("the customer's mail", () => db().message.findFirst({ where: { messageIdHeader: CUSTOMER_ID } }));
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const trainee = await createUser({ ...TRAINEE, name: "Trainee Tanaka", actorId: null });
  await db().membership.create({ data: { mailboxId: support.id, userId: trainee.user.id, needsApproval: true } });
  browser = await launchBrowser();
  author = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  reviewer = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  // Each step gives up well inside the test's own 30 s, so a step that never happens is named in the
  // failure (one CI run timed the whole test out at 30 s, normally 2–8 s, without saying where).
  for (const p of [author, reviewer]) p.setDefaultTimeout(20_000);
  // Both sign in once, side by side; the tests go on from there.
  await Promise.all([signIn(author, yubin.baseUrl, TRAINEE), signIn(reviewer, yubin.baseUrl, ADMIN)]);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await sink?.close();
  await dns?.close();
  await disconnectDb();
});

describe("approval in the browser", () => {
  it("holds the trainee's reply, and the reviewer's approval sends it once", async () => {
    await author.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    await author.waitForURL(/\/conversations\/\d+$/);
    const conversationUrl = author.url();
    const cards = author.getByTestId("message");
    await cards.first().waitFor();
    await cards.first().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = author.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    const body = composer.getByLabel("Message", { exact: true });
    await expect.poll(() => body.evaluate((t: HTMLTextAreaElement) => document.activeElement === t)).toBe(true);
    await author.keyboard.type(ANSWER);
    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.waitFor({ state: "detached" });
    await author.getByRole("status").filter({ hasText: "Sent for approval" }).waitFor();
    const held = author.getByRole("article", { name: "Held reply by Trainee Tanaka" });
    await held.waitFor();
    expect(await held.textContent()).toContain("Waiting for approval");
    // Escaped: the angle brackets are text, not markup.
    expect(await held.locator("pre").textContent()).toContain(ANSWER);
    // Nothing left, nothing was stored as sent: the send has answered, and what it
    // committed is a held reply, not a delivery job (only a job is ever delivered).
    expect(await db().pendingReply.count({ where: { state: "pending" } })).toBe(1);
    expect(await db().deliveryJob.count()).toBe(0);
    expect(sink.messages).toHaveLength(0);
    expect(await cards.count()).toBe(1);
    await author.screenshot({ path: "/tmp/yubin-approval-held.png", fullPage: true });

    // The reviewer: Approvals in the nav with a count, then approve there.
    await reviewer.goto(`${yubin.baseUrl}/inbox`);
    const nav = reviewer.getByRole("link", { name: /Approvals/ });
    await nav.waitFor();
    expect(await reviewer.getByTestId("approvals-count").textContent()).toMatch(/^1/);
    await nav.click();
    await reviewer.waitForURL(/\/approvals$/);
    const item = reviewer.getByRole("article", { name: "Held reply by Trainee Tanaka" });
    expect(await item.textContent()).toContain(ANSWER);
    await reviewer.screenshot({ path: "/tmp/yubin-approvals.png", fullPage: true });
    await item.getByRole("button", { name: "Approve and send" }).dblclick();
    await item.waitFor({ state: "detached" });
    await reviewer.getByText("Nothing is waiting for approval.").waitFor();

    const received = await waitFor("the approved reply at the customer's MX", async () => sink.messages[0]);
    const parsed = await simpleParser(received.raw);
    expect(parsed.inReplyTo).toBe(`<${CUSTOMER_ID}>`);
    expect(parsed.from?.value).toEqual([{ name: "Support", address: "support@example.com" }]);
    expect(parsed.subject).toBe(`Re: ${SUBJECT}`);
    expect(parsed.text).toContain(ANSWER);
    expect(received.rcptTo).toEqual(["hanako@customer.example"]);

    // In the conversation, the sent message replaces the held card.
    await author.goto(conversationUrl);
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(2);
    expect(await author.getByRole("article", { name: "Held reply by Trainee Tanaka" }).count()).toBe(0);
    // Sent once: its one delivery job is recorded as delivered, after which nothing retries it.
    await waitFor("the delivery recorded", () => db().deliveryJob.findFirst({ where: { state: "delivered" } }));
    expect(await db().deliveryJob.count()).toBe(1);
    expect(sink.messages).toHaveLength(1);
  });
  it("returns with a comment; the author edits the held text in the composer and sends it for approval again", async () => {
    const conversationUrl = author.url();
    const cards = author.getByTestId("message");
    await cards.first().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = author.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    const body = composer.getByLabel("Message", { exact: true });
    await body.fill("Second answer, needs work.");
    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.waitFor({ state: "detached" });
    const held = author.getByRole("article", { name: "Held reply by Trainee Tanaka" });
    await held.waitFor();

    await reviewer.goto(conversationUrl);
    const card = reviewer.getByRole("article", { name: "Held reply by Trainee Tanaka" });
    await card.getByRole("button", { name: "Return" }).click();
    await card.getByLabel("Comment for Trainee Tanaka").fill("Please add the tracking number.");
    await card.getByRole("button", { name: "Return to author" }).click();
    await card.getByText("Returned", { exact: true }).waitFor();

    await author.reload();
    await held.getByTestId("return-comment").filter({ hasText: "Please add the tracking number." }).waitFor();
    await held.getByRole("button", { name: "Edit and resend" }).click();
    await composer.waitFor();
    expect(await composer.getByLabel("Message", { exact: true }).inputValue()).toBe("Second answer, needs work.");
    await composer.getByLabel("Message", { exact: true }).fill("Second answer: tracking JP123.");
    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.waitFor({ state: "detached" });
    await author.getByText("Waiting for approval").waitFor();
    expect(await db().pendingReply.count({ where: { state: "pending" } })).toBe(1);
    expect(await db().deliveryJob.count()).toBe(1);
    expect(sink.messages).toHaveLength(1);
  });
});
