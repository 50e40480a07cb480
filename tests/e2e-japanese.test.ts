// The Japanese UI end to end: a browser that prefers Japanese (ja-JP, Tokyo
// time) signs in on a Japanese sign-in page, sees the folders and the
// conversation's controls by their Japanese names and dates in Asia/Tokyo,
// then chooses English in Settings and gets the English UI.
import nodemailer from "nodemailer";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../server/db.ts";
import { launchBrowser } from "./support/browser.ts";
import { useTestDatabase } from "./support/database.ts";
import { type DnsServer, startDnsServer } from "./support/dns-server.ts";
import { freePort, startYubinProcess, type YubinProcess } from "./support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "japanese e2e password 1" };
const SUBJECT = "納品日のご確認";
// 2024-03-01 15:30 UTC is 2024-03-02 00:30 in Tokyo: the day differs from UTC's.
const SENT = new Date("2024-03-01T15:30:00Z");

let yubin: YubinProcess;
let dns: DnsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dns = await startDnsServer({});
  const smtpPort = await freePort();
  yubin = await startYubinProcess({
    roles: "web,mail",
    env: {
      DATABASE_URL: await useTestDatabase(),
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_SMTP_PORT: String(smtpPort),
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
    },
  });
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtpPort,
    tls: { rejectUnauthorized: false },
  });
  await transport.sendMail({
    from: "山田 太郎 <taro@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    date: SENT,
    text: "いつもお世話になっております。納品日をご確認ください。",
  });
  transport.close();

  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

describe("the Japanese UI", () => {
  it("signs in on a Japanese sign-in page", async () => {
    await page.goto(`${yubin.baseUrl}/sign-in`);
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);
  });

  it("shows the inbox folders and shell in Japanese", async () => {
    const folders = page.getByRole("navigation", { name: "フォルダー" });
    for (const name of ["未割り当て", "自分の担当", "未対応すべて", "返信待ち", "スヌーズ中", "完了", "迷惑メール"]) {
      await folders.getByRole("link", { name: new RegExp(`^${name}`) }).waitFor({ timeout: 10_000 });
    }
    await page.getByRole("searchbox", { name: "検索" }).waitFor();
    await page.getByRole("button", { name: "ログアウト" }).waitFor();
    await page.getByRole("link", { name: "設定" }).waitFor();
    await page.getByLabel("並び順").waitFor();
    // The conversation arrives (live or on reload) with its status in Japanese.
    const row = page.getByRole("link", { name: new RegExp(SUBJECT) });
    for (let i = 0; i < 20 && !(await row.count()); i++) {
      await page.waitForTimeout(500);
      if (i % 4 === 3) await page.reload();
    }
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain("未対応");
    expect(await row.innerText()).toContain("未割り当て");
  });

  it("opens the conversation: Japanese controls, Tokyo time", async () => {
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    for (const name of ["返信", "全員に返信", "転送", "メモ", "タグ", "自分が担当"]) {
      await page.getByRole("button", { name, exact: true }).first().waitFor({ timeout: 10_000 });
    }
    for (const name of ["ステータス", "担当者", "スヌーズ"]) {
      await page.getByRole("combobox", { name, exact: true }).waitFor();
    }
    // The message's date: 2024年3月2日 0:30 in Tokyo (UTC would say 3月1日).
    const time = page.locator(`time[datetime="${SENT.toISOString()}"]`).first();
    await time.waitFor();
    await expect.poll(() => time.getAttribute("title")).toMatch(/2024年3月2日.*0:30:00 JST/);
    expect(await time.innerText()).toContain("2024/03/02");

    await page.getByRole("button", { name: "返信", exact: true }).first().click();
    await page.getByRole("button", { name: "送信", exact: true }).waitFor({ timeout: 10_000 });
    await page.getByLabel("件名").waitFor();
    await page.screenshot({ path: "/tmp/yubin-ja.png", fullPage: true });
    await page.getByRole("button", { name: "破棄" }).click();
  });

  it("a time zone chosen in Settings wins over the browser's", async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    await page.getByRole("heading", { name: "設定", level: 1 }).waitFor();
    await page.getByLabel("タイムゾーン", { exact: true }).selectOption("America/New_York");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByText("設定を保存しました。").waitFor();
    await page.goto(`${yubin.baseUrl}/inbox?folder=open`);
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    const time = page.locator(`time[datetime="${SENT.toISOString()}"]`).first();
    // 10:30 in New York, on 1 March.
    await expect.poll(() => time.getAttribute("title")).toMatch(/2024年3月1日.*10:30:00/);
  });

  it("choosing English in Settings shows the English UI", async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    await page.getByLabel("言語", { exact: true }).selectOption("en");
    await page.getByLabel("タイムゾーン", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor({ timeout: 10_000 });
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.waitForURL(/\/inbox$/);
    const folders = page.getByRole("navigation", { name: "Folders" });
    await folders.getByRole("link", { name: /^All open/ }).waitFor();
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    for (const name of ["Reply", "Reply all", "Forward", "Note", "Tag"]) {
      await page.getByRole("button", { name, exact: true }).first().waitFor({ timeout: 10_000 });
    }
    for (const name of ["Status", "Assign", "Snooze"])
      await page.getByRole("combobox", { name, exact: true }).waitFor();
    await page.getByRole("searchbox", { name: "Search" }).waitFor();
    await page.screenshot({ path: "/tmp/yubin-en-after-ja.png", fullPage: true });
  });
});
