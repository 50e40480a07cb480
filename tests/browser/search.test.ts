// Search in the browser: mail delivered over SMTP is found by a Japanese
// substring typed into the shell's Search box; parser errors and the empty
// state are shown on the page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "search e2e password 1" };
let yubin: YubinProcess;
let dns: DnsServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dns = await startDnsServer({});
  const started = await startMailApp({ admin: ADMIN, env: { YUBIN_DNS_SERVERS: dns.address } });
  yubin = started.yubin;
  await deliverToYubin(started.smtpPort, {
    from: "田中 太郎 <tanaka@customer.example>",
    to: "support@example.com",
    subject: "請求書について",
    text: "いつもお世話になっております。請求書の再発行をお願いします。",
  });
  await deliverToYubin(started.smtpPort, {
    from: "Shop News <news@shop.example>",
    to: "support@example.com",
    subject: "Your order has shipped",
    text: "Your order has shipped.",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

describe("the Search box", () => {
  it("finds a Japanese phrase from the middle of a body", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.getByRole("list", { name: "Conversations" }).getByRole("link").nth(1).waitFor();

    // "/" focuses the box from the page.
    await page.locator("main").click();
    await page.keyboard.press("/");
    const box = page.getByRole("searchbox", { name: "Search" });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill("発行を");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=/);
    const results = page.getByRole("list", { name: "Search results" }).getByRole("link");
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    expect(await results.first().textContent()).toContain("請求書について");
    expect(await box.inputValue()).toBe("発行を");
    await page.screenshot({ path: "/tmp/yubin-search.png", fullPage: true });
    await results.first().click();
    await page.waitForURL(/\/conversations\/\d+$/);
  });

  it("shows parser errors and the empty state", async () => {
    await page.goto(`${yubin.baseUrl}/search?q=${encodeURIComponent("foo:bar")}`);
    const alert = page.getByRole("alert").filter({ hasText: 'Unknown operator "foo:"' });
    await alert.waitFor();
    await page.goto(`${yubin.baseUrl}/search?q=${encodeURIComponent("請求書を")}`);
    await page.getByText("No conversations match.").waitFor();
    await page.goto(`${yubin.baseUrl}/search?q=${encodeURIComponent("order -status:closed")}`);
    await page.getByRole("list", { name: "Search results" }).getByRole("link").first().waitFor();
    expect(await page.getByRole("list", { name: "Search results" }).getByRole("link").count()).toBe(1);
  });
});
