// The first slice of the web inbox, end to end: mail delivered to Yubin's MX by
// nodemailer, read in Chromium by a signed-in member. The HTML mail's script
// must not survive and its tracking pixel (a loopback server standing in for
// the tracker) must not be fetched until the reader asks for remote images.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "inbox e2e password 1" };
const QUOTE = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
const LOGO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const JAPANESE_SUBJECT = "①お見積りのお願い（㈱サンプル商事）";

let yubin: YubinProcess;
let dns: DnsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tracker: http.Server;
let trackerOrigin = "";
let trackerHits = 0;
const browserRequestsToTracker: string[] = [];

beforeAll(async () => {
  tracker = http.createServer((_req, res) => {
    trackerHits++;
    res.writeHead(200, { "content-type": "image/gif", "cache-control": "no-store" });
    res.end(Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64"));
  });
  await new Promise<void>((resolve) => tracker.listen(0, "127.0.0.1", resolve));
  trackerOrigin = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;

  // The customer's domain publishes SPF and DMARC, so its mail shows "pass".
  dns = await startDnsServer({
    "customer.example": [{ type: "TXT", text: "v=spf1 ip4:127.0.0.1 -all" }],
    "_dmarc.customer.example": [{ type: "TXT", text: "v=DMARC1; p=reject" }],
  });
  const started = await startMailApp({ admin: ADMIN, env: { YUBIN_DNS_SERVERS: dns.address } });
  yubin = started.yubin;

  await deliverToYubin(started.smtpPort, {
    from: "佐藤 花子 <hanako@customer.example>",
    to: "support@example.com",
    subject: JAPANESE_SUBJECT,
    text: "お世話になっております。㈱サンプル商事の佐藤です。\n添付の仕様で①と②のお見積りをお願いいたします。",
    messageId: "<quote-1@customer.example>",
    attachments: [{ filename: "見積依頼書.pdf", content: QUOTE, contentType: "application/pdf" }],
  });
  await deliverToYubin(started.smtpPort, {
    from: "Shop News <news@shop.example>",
    to: "support@example.com",
    subject: "Your order has shipped",
    messageId: "<shipped-1@shop.example>",
    text: "Your order has shipped.",
    html: `<h1 onclick="steal()">Your order has shipped</h1><p>Track it online.</p><script>document.title='pwned';fetch('${trackerOrigin}/script')</script><img src="${trackerOrigin}/pixel.gif?id=42" width="1" height="1" alt=""><p><img src="cid:logo@shop.example" alt="Shop logo" width="16" height="16"></p>`,
    attachments: [{ filename: "logo.png", content: LOGO, contentType: "image/png", cid: "logo@shop.example" }],
  });

  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("request", (request) => {
    if (request.url().startsWith(trackerOrigin)) browserRequestsToTracker.push(request.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await new Promise((resolve) => tracker?.close(resolve));
  await disconnectDb();
});

async function expectText(locator: ReturnType<Page["locator"]>, text: string) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** The frame showing a message's HTML, once it has loaded. */
async function messageFrame(): Promise<Frame> {
  const element = page.locator("iframe").first();
  await element.waitFor();
  const frame = await (await element.elementHandle())?.contentFrame();
  if (!frame) throw new Error("no frame");
  await frame.waitForLoadState("load");
  return frame;
}

describe("reading delivered mail in the browser", () => {
  it("signs in and lists both conversations, newest first", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);

    const rows = page.getByRole("list", { name: "Conversations" }).getByRole("link");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const texts = await rows.allInnerTexts();
    expect(texts[0]).toContain("Your order has shipped");
    expect(texts[0]).toContain("Shop News");
    expect(texts[1]).toContain(JAPANESE_SUBJECT);
    expect(texts[1]).toContain("佐藤 花子");
    expect(texts[1]).toContain("お世話になっております。");
    expect(texts[1]).toContain("Open");
    expect(texts[1]).toContain("Support");
    // The mailbox list is the navigation; one mailbox shows only its mail.
    const nav = page.getByRole("navigation", { name: "Mailboxes" });
    expect(await nav.getByRole("link", { name: "All mailboxes" }).getAttribute("aria-current")).toBe("page");
    await page.screenshot({ path: "/tmp/yubin-inbox-list.png", fullPage: true });
    await nav.getByRole("link", { name: /admin@example\.com/ }).click();
    await page.waitForURL(/\/inbox\?mailbox=\d+$/);
    await expectText(page.locator("main"), "No conversations yet — mail sent to admin@example.com will appear here.");
    await nav.getByRole("link", { name: /^Support/ }).click();
    await page.waitForURL(/\/inbox\?mailbox=\d+$/);
    await page.getByRole("list", { name: "Conversations" }).waitFor();
    expect(await page.getByRole("list", { name: "Conversations" }).getByRole("link").count()).toBe(2);
  });

  it("opens the Japanese mail, reads it and downloads its attachment byte for byte", async () => {
    await page.getByRole("link", { name: new RegExp(JAPANESE_SUBJECT.slice(0, 6)) }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    await expectText(page.getByRole("heading", { level: 1 }), JAPANESE_SUBJECT);
    const message = page.getByTestId("message");
    expect(await message.count()).toBe(1);
    await expectText(message, "㈱サンプル商事の佐藤です。");
    await expectText(message, "①と②のお見積りをお願いいたします。");
    await expectText(message, "hanako@customer.example");
    // The sender check in plain words; the verdicts on hover and as the badge's description.
    const check = message.getByTestId("sender-check");
    expect(await check.textContent()).toBe("Sender verified");
    expect(await check.getAttribute("title")).toContain("(SPF pass · DMARC pass)");
    expect(
      await check.evaluate((el) => document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent),
    ).toContain("SPF pass · DMARC pass");
    await expectText(page.getByTestId("thread-reason"), "started this conversation");
    expect(await page.getByTestId("customer").textContent()).toContain("佐藤 花子");

    const link = page.getByRole("link", { name: /見積依頼書\.pdf/ });
    expect(await link.textContent()).toContain("application/pdf · 2.9 KB");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("見積依頼書.pdf");
    expect((await readFile(await download.path())).equals(QUOTE)).toBe(true);
    await page.screenshot({ path: "/tmp/yubin-conversation.png", fullPage: true });
  });

  it("shows the HTML mail inert in a sandboxed frame, and remote images only when asked", async () => {
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.getByRole("link", { name: /Your order has shipped/ }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    const iframe = page.locator("iframe");
    // Scripts, forms and same-origin access stay off; links open in a new tab.
    expect(await iframe.getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
    expect(await iframe.getAttribute("title")).toBe("Message from Shop News");
    const frame = await messageFrame();
    expect(await frame.locator("h1").textContent()).toBe("Your order has shipped");
    expect(await frame.locator("script").count()).toBe(0);
    expect(await frame.locator("[onclick]").count()).toBe(0);
    // The inline (cid:) logo is embedded as a data: URL, which the CSP allows.
    await frame.waitForFunction(() => (document.querySelector("img[alt='Shop logo']") as HTMLImageElement)?.complete);
    expect(await frame.locator("img[alt='Shop logo']").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(await page.title()).not.toBe("pwned");
    // The document's load event waits for every image and style it started to load (or failed to):
    // once it has fired, a request that was going to reach the tracker has reached it.
    await frame.waitForFunction(() => document.readyState === "complete");
    expect(browserRequestsToTracker).toEqual([]);
    expect(trackerHits).toBe(0);
    await page.screenshot({ path: "/tmp/yubin-conversation-html.png", fullPage: true });

    const pixel = page.waitForRequest((request) => request.url().startsWith(`${trackerOrigin}/pixel.gif`));
    await page.getByRole("button", { name: "Show remote images" }).click();
    await pixel;
    await expectText(page.locator("main"), "Remote images are shown.");
    expect(browserRequestsToTracker).toEqual([`${trackerOrigin}/pixel.gif?id=42`]);
    expect(await (await messageFrame()).locator("script").count()).toBe(0);
  });

  it("answers a conversation id that does not exist with the 404 page", async () => {
    const response = await page.goto(`${yubin.baseUrl}/conversations/999999`);
    expect(response?.status()).toBe(404);
  });
});
