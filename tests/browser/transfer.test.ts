// Admin → Import/Export in Chromium, in English and in Japanese: an mbox
// uploaded in the browser is imported by the web process's background worker,
// its progress bar reaches 100 % and the mail is in the inbox; an export runs
// the same way and offers its file for download.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "transfer e2e password 1" };
const IMPORTED = "見積もりのお願い (imported)";
const COUNT = 400;

let yubin: YubinProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** An mbox of COUNT messages, the last with a Japanese subject (ISO-2022-JP encoded-word). */
function mbox(): Buffer {
  const parts: string[] = [];
  for (let i = 1; i <= COUNT; i++) {
    const subject = i === COUNT ? "=?ISO-2022-JP?B?GyRCOCtAUSRiJGokTiQqNGokJBsoQg==?= (imported)" : `old thread ${i}`;
    parts.push(
      `From c${i}@customer.example Mon Nov  2 01:00:00 2026\nFrom: Customer ${i} <c${i}@customer.example>\nTo: support@example.com\nSubject: ${subject}\nMessage-ID: <old.${i}@customer.example>\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n\n${"Body text of an old message. ".repeat(30)}\n\n`,
    );
  }
  return Buffer.from(parts.join(""));
}

async function newPage(locale: string, timezoneId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, timezoneId });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** Waits until the row's progress bar says `percent` and returns the values it went through. */
async function barReaches(page: Page, rowText: string, percent: number): Promise<number[]> {
  const seen: number[] = [];
  const bar = page.getByTestId("transfer-row").filter({ hasText: rowText }).first().getByRole("progressbar");
  await waitFor(
    `the progress bar of "${rowText}" at ${percent}%`,
    async () => {
      const now = Number(await bar.getAttribute("aria-valuenow").catch(() => Number.NaN));
      if (!Number.isNaN(now) && seen.at(-1) !== now) seen.push(now);
      return now === percent;
    },
    90_000,
    100,
  );
  return seen;
}

beforeAll(async () => {
  yubin = (await startMailApp({ admin: ADMIN, roles: "web" })).yubin;
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  await deliver(support.id, { subject: "Walrus order never arrived" });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("Admin → Import/Export", () => {
  it("in English: an uploaded mbox is imported with its progress bar reaching 100 %, and the mail is in the inbox", {
    timeout: 150_000,
  }, async () => {
    const page = await newPage("en-US", "UTC");
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/transfers`);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Import/Export" })
      .waitFor();
    const form = page.getByRole("form", { name: "Import mail" });
    await form.getByLabel("Mailbox", { exact: true }).selectOption({ label: "support@example.com" });
    await form
      .getByLabel("File to import")
      .setInputFiles({ name: "old-mail.mbox", mimeType: "application/mbox", buffer: mbox() });
    await form.getByRole("button", { name: "Import", exact: true }).click();
    await form.getByRole("status").filter({ hasText: "Uploaded old-mail.mbox: the import has started." }).waitFor();

    const row = page
      .getByTestId("transfer-row")
      .filter({ hasText: "Import of old-mail.mbox into support@example.com" });
    await row.waitFor();
    const seen = await barReaches(page, "Import of old-mail.mbox", 100);
    expect(seen.at(-1)).toBe(100);
    expect(await row.getByTestId("transfer-state").innerText()).toBe("100% · Done");
    expect(await row.innerText()).toContain(
      `${COUNT} read: ${COUNT} stored, 0 duplicates skipped, 0 stored raw, 0 skipped`,
    );

    await page.goto(`${yubin.baseUrl}/inbox`);
    const rows = page.getByRole("list", { name: /Conversations/ }).getByRole("link");
    await rows.filter({ hasText: IMPORTED }).first().waitFor();
    await rows.filter({ hasText: "Walrus order never arrived" }).first().waitFor();
    const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
    expect(support.usedMessages).toBe(COUNT + 1);
  });

  it("in Japanese: an export runs to 完了 and offers its file; importing the same file again skips every message", {
    timeout: 150_000,
  }, async () => {
    const page = await newPage("ja-JP", "Asia/Tokyo");
    await page.goto(`${yubin.baseUrl}/sign-in`);
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);
    await page.goto(`${yubin.baseUrl}/admin/transfers`);

    const exportForm = page.getByRole("form", { name: "メールをエクスポート" });
    await exportForm.getByLabel("メールボックス", { exact: true }).selectOption({ label: "support@example.com" });
    await exportForm.getByLabel(".eml ファイルの zip").check();
    await exportForm.getByRole("button", { name: "エクスポート", exact: true }).click();
    await exportForm.getByRole("status").filter({ hasText: "エクスポートを始めました。" }).waitFor();
    await barReaches(page, "support@example.com をエクスポート（.eml ファイルの zip）", 100);
    const exported = page.getByTestId("transfer-row").filter({ hasText: "をエクスポート" }).first();
    expect(await exported.getByTestId("transfer-state").innerText()).toBe("100% · 完了");
    const link = exported.getByRole("link", { name: /^support@example\.com-\d{4}-\d\d-\d\d\.zip をダウンロード$/ });
    const href = await link.getAttribute("href");
    const response = await page.request.get(`${yubin.baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect((await response.body()).subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");

    const importForm = page.getByRole("form", { name: "メールをインポート" });
    await importForm.getByLabel("メールボックス", { exact: true }).selectOption({ label: "support@example.com" });
    await importForm.getByLabel("インポートするファイル").setInputFiles({
      name: "同じファイル.mbox",
      mimeType: "application/mbox",
      buffer: mbox(),
    });
    await importForm.getByRole("button", { name: "インポート", exact: true }).click();
    await barReaches(page, "同じファイル.mbox を support@example.com へインポート", 100);
    const again = page.getByTestId("transfer-row").filter({ hasText: "同じファイル.mbox" });
    expect(await again.innerText()).toContain(`${COUNT} 件を読み込み: 保存 0 件、重複で省略 ${COUNT} 件`);

    // Not an mbox: refused at the upload, in Japanese.
    await importForm.getByLabel("インポートするファイル").setInputFiles({
      name: "letter.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Dear team,\n"),
    });
    await importForm.getByRole("button", { name: "インポート", exact: true }).click();
    await importForm
      .getByRole("alert")
      .filter({
        hasText: "letter.txt は mbox ファイル（「From 」の行で始まるもの）でも .eml ファイルの zip でもありません。",
      })
      .waitFor();
  });
});
