// The message trace in Chromium, in English and in Japanese: an admin finds
// the mail a customer says they sent — refused because the mailbox was full —
// by the customer's address and reads why in plain words; and follows a reply
// from its conversation to its trace: each delivery attempt, delivered.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMailbox } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { sendMessage } from "../../server/outbound/send-message.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliver } from "../support/factories.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "trace e2e password 1" };
const CUSTOMER = "kenji@shop.example";
const SUBJECT = "Where is my parcel?";

let yubin: YubinProcess;
let dns: DnsServer;
let sink: SmtpSink;
let browser: Browser;
const contexts: BrowserContext[] = [];
let conversationId = 0;
let replyMessageId = 0;

async function newPage(locale: string, timezoneId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale, timezoneId });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

beforeAll(async () => {
  sink = await startSmtpSink({ host: "127.0.0.1" });
  dns = await startDnsServer({
    "shop.example": [{ type: "MX", preference: 10, exchange: "mx.shop.example" }],
    "mx.shop.example": [{ type: "A", address: "127.0.0.1" }],
  });
  const started = await startMailApp({
    admin: ADMIN,
    roles: "web,mail,delivery",
    env: {
      YUBIN_SMTP_OUTBOUND_PORT: String(sink.port),
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_DELIVERY_POLL_MS: "200",
    },
  });
  yubin = started.yubin;
  // A mailbox that is full: the customer's mail to it is refused 452 4.2.2.
  const full = await createMailbox({ address: "full@example.com", kind: "shared", memberEmails: [], actorId: null });
  await setQuotaLimits({ address: "full@example.com", quotaMessages: 1, actorId: null });
  await deliver(full.id, { subject: "the message that fills it" });
  await expect(
    deliverToYubin(started.smtpPort, { from: CUSTOMER, to: "full@example.com", subject: "Order 77", text: "Hello?" }),
  ).rejects.toThrow(/452/);
  // A conversation in support@ (the admin is a member) and the team's reply to it, delivered to the customer's MX.
  await deliverToYubin(started.smtpPort, {
    from: `Kenji <${CUSTOMER}>`,
    to: "support@example.com",
    subject: SUBJECT,
    text: "It has not arrived.",
    messageId: "<parcel.1@shop.example>",
  });
  const customerMail = await waitFor("the customer's mail", () =>
    db().message.findFirst({ where: { messageIdHeader: "parcel.1@shop.example" } }),
  );
  conversationId = customerMail.conversationId as number;
  const admin = await db().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
  const support = await authorizeMailbox({ userId: admin.id, mailboxId: customerMail.mailboxId });
  if (!support) throw new Error("the admin is not a member of support@");
  const sent = await sendMessage({
    actorId: admin.id,
    fromMailboxId: support,
    hostname: "127.0.0.1",
    to: [CUSTOMER],
    subject: `Re: ${SUBJECT}`,
    text: "It left our warehouse today.",
    inReplyTo: "<parcel.1@shop.example>",
    conversationId,
  });
  replyMessageId = sent.messageId as number;
  await waitFor("the reply at the customer's MX", () => sink.messages.length > 0);
  await waitFor("the traces", async () => (await db().messageTrace.count({ where: { result: "delivered" } })) >= 2);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await yubin?.stop();
  await sink?.close();
  await dns?.close();
  await disconnectDb();
});

describe("trace a refused message from the customer's address", () => {
  it("in English", { timeout: 120_000 }, async () => {
    const page = await newPage("en-US", "UTC");
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/users`);
    await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Trace" }).click();
    await page.waitForURL(/\/admin\/trace$/);
    const form = page.getByRole("form", { name: "Search the message trace" });
    await form.getByLabel("Sender").fill(CUSTOMER);
    await form.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/sender=kenji%40shop\.example/);
    const row = page.getByTestId("trace-row").filter({ hasText: "Deferred" });
    await row.waitFor();
    expect(await row.innerText()).toContain("full@example.com");
    expect(await row.innerText()).toContain("452 4.2.2 Mailbox full, try again later");
    await row.getByRole("link", { name: "(no subject)" }).click();
    await page.waitForURL(/\/admin\/trace\/\d+$/);
    const timeline = page.getByTestId("trace-timeline");
    await timeline.waitFor();
    const story = await timeline.innerText();
    expect(story).toContain(`Sender ${CUSTOMER}`);
    expect(story).toContain("Recipient full@example.com refused");
    expect(story).toContain("452 4.2.2 Mailbox full, try again later");
    expect(story).toContain("The mailbox was full");
    expect(await page.getByTestId("trace-result").innerText()).toBe("Deferred");
  });

  it("in Japanese", { timeout: 120_000 }, async () => {
    const page = await newPage("ja-JP", "Asia/Tokyo");
    await page.goto(`${yubin.baseUrl}/sign-in`);
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);
    await page.goto(`${yubin.baseUrl}/admin/trace`);
    const form = page.getByRole("form", { name: "メッセージ追跡を検索" });
    await form.getByLabel("差出人").fill(CUSTOMER);
    await form.getByRole("button", { name: "検索" }).click();
    await page.waitForURL(/sender=kenji%40shop\.example/);
    const row = page.getByTestId("trace-row").filter({ hasText: "保留（再試行）" });
    await row.getByRole("link", { name: "（件名なし）" }).click();
    await page.waitForURL(/\/admin\/trace\/\d+$/);
    const story = await page.getByTestId("trace-timeline").innerText();
    expect(story).toContain("宛先 full@example.com を拒否");
    expect(story).toContain("452 4.2.2 Mailbox full, try again later");
    expect(story).toContain("メールボックスが満杯でした");
  });
});

describe("follow a reply from its conversation to its trace", () => {
  it("in English", { timeout: 120_000 }, async () => {
    const page = await newPage("en-US", "UTC");
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    const reply = page.getByTestId("message").filter({ hasText: "It left our warehouse today." });
    await reply.getByRole("link", { name: "Message trace of this message" }).click();
    await page.waitForURL(new RegExp(`/admin/trace\\?message=${replyMessageId}$`));
    const form = page.getByRole("form", { name: "Search the message trace" });
    expect(await form.getByLabel("Message-ID").inputValue()).toMatch(/@127\.0\.0\.1$/);
    const row = page.getByTestId("trace-row").filter({ hasText: "Delivered" });
    expect(await row.innerText()).toContain("Delivery");
    await row.getByRole("link", { name: `Re: ${SUBJECT}` }).click();
    await page.waitForURL(/\/admin\/trace\/\d+$/);
    const story = await page.getByTestId("trace-timeline").innerText();
    expect(story).toContain("Attempt 1: connected to mx.shop.example [127.0.0.1]");
    expect(story).toContain(`${CUSTOMER}: delivered`);
    expect(story).toContain("Delivered");
    expect(story).toMatch(new RegExp(`Joined conversation #${conversationId} “.*${SUBJECT.replace("?", "\\?")}”`));
    await page.getByRole("link", { name: `Open conversation #${conversationId}` }).click();
    await page.waitForURL(new RegExp(`/conversations/${conversationId}$`));
  });

  it("in Japanese", { timeout: 120_000 }, async () => {
    const page = await newPage("ja-JP", "Asia/Tokyo");
    await page.goto(`${yubin.baseUrl}/sign-in`);
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);
    await page.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    const reply = page.getByTestId("message").filter({ hasText: "It left our warehouse today." });
    await reply.getByRole("link", { name: "このメッセージの追跡" }).click();
    await page.waitForURL(/\/admin\/trace\?message=\d+$/);
    const row = page.getByTestId("trace-row").filter({ hasText: "配送済み" });
    expect(await row.innerText()).toContain("配送");
    await row.getByRole("link", { name: `Re: ${SUBJECT}` }).click();
    const story = await page.getByTestId("trace-timeline").innerText();
    expect(story).toContain("1 回目の配送: mx.shop.example [127.0.0.1] に接続");
    expect(story).toContain(`${CUSTOMER}: 配送しました`);
    expect(story).toContain(`会話 #${conversationId}`);
  });
});
