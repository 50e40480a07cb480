// Deleting a conversation and getting it back, in Chromium, in English and in
// Japanese: the conversation page's Delete (with its confirmation) takes the
// conversation out of the inbox; a member restores it from "Recently
// deleted", an admin from the admin's Deleted mail page; either way it is
// back in the inbox and opens again.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "recovery e2e password 1" };
const EN_SUBJECT = "Walrus order never arrived";
const JA_SUBJECT = "請求書の再発行について";

let yubin: YubinProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const conversations = { en: 0, ja: 0 };

async function newPage(locale: string, timezoneId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, timezoneId });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

function inboxRows(page: Page) {
  return page.getByRole("list", { name: /Conversations|会話/ }).getByRole("link");
}

beforeAll(async () => {
  yubin = (await startMailApp({ admin: ADMIN, roles: "web" })).yubin;
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  conversations.en = (
    await deliver(support.id, { subject: EN_SUBJECT, from: "Kai <kai@customer.example>" })
  ).conversationId;
  conversations.ja = (
    await deliver(support.id, { subject: JA_SUBJECT, from: "山田 花子 <hanako@customer.example>" })
  ).conversationId;
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("delete and restore a conversation", () => {
  // Many page loads each: room for a loaded machine.
  it("in English: deleted from its page, restored from Recently deleted", { timeout: 120_000 }, async () => {
    const page = await newPage("en-US", "UTC");
    await signIn(page, yubin.baseUrl, ADMIN);
    await inboxRows(page).filter({ hasText: EN_SUBJECT }).first().waitFor();

    await page.goto(`${yubin.baseUrl}/conversations/${conversations.en}`);
    await page.getByRole("button", { name: "Delete conversation" }).click();
    const dialog = page.getByRole("alertdialog");
    expect(await dialog.innerText()).toContain("can be restored from Recently deleted");
    // Cancel first: nothing happens.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversations.en } })).deletedAt).toBeNull();

    await page.getByRole("button", { name: "Delete conversation" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
    await page.waitForURL(/\/inbox\?mailbox=\d+$/);
    await inboxRows(page).filter({ hasText: JA_SUBJECT }).first().waitFor();
    expect(await inboxRows(page).filter({ hasText: EN_SUBJECT }).count()).toBe(0);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recently deleted" }).click();
    await page.waitForURL(/\/deleted$/);
    const row = page.getByTestId("deleted-mail-row").filter({ hasText: EN_SUBJECT });
    await row.waitFor();
    expect(await row.innerText()).toContain("in the browser");
    await row.getByRole("button", { name: `Restore the conversation of “${EN_SUBJECT}”` }).click();
    await page.getByRole("status").filter({ hasText: "Restored 1 message." }).waitFor();
    await page.getByTestId("deleted-mail-row").filter({ hasText: EN_SUBJECT }).waitFor({ state: "detached" });

    await page.getByRole("link", { name: "Open the conversation" }).click();
    await page.waitForURL(new RegExp(`/conversations/${conversations.en}$`));
    await page.getByRole("heading", { level: 1, name: EN_SUBJECT }).waitFor();
    await page.goto(`${yubin.baseUrl}/inbox`);
    await inboxRows(page).filter({ hasText: EN_SUBJECT }).first().waitFor();
  });

  it("in Japanese: deleted from its page, restored by the admin from 削除済みメール", {
    timeout: 120_000,
  }, async () => {
    const page = await newPage("ja-JP", "Asia/Tokyo");
    await page.goto(`${yubin.baseUrl}/sign-in`);
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);

    await page.goto(`${yubin.baseUrl}/conversations/${conversations.ja}`);
    await page.getByRole("button", { name: "会話を削除" }).click();
    expect(await page.getByRole("alertdialog").innerText()).toContain("最近削除したメール");
    await page.getByRole("alertdialog").getByRole("button", { name: "削除する" }).click();
    await page.waitForURL(/\/inbox\?mailbox=\d+$/);
    await inboxRows(page).filter({ hasText: EN_SUBJECT }).first().waitFor();
    expect(await inboxRows(page).filter({ hasText: JA_SUBJECT }).count()).toBe(0);

    await page.goto(`${yubin.baseUrl}/admin/deleted`);
    await page.getByRole("heading", { name: "削除済みメール" }).first().waitFor();
    // Find it by subject.
    const filters = page.getByRole("form", { name: "削除済みメールを探す" });
    await filters.getByLabel("件名").fill("再発行");
    await filters.getByRole("button", { name: "検索" }).click();
    const row = page.getByTestId("deleted-mail-row").filter({ hasText: JA_SUBJECT });
    await row.waitFor();
    expect(await page.getByTestId("deleted-mail-row").count()).toBe(1);
    expect(await row.innerText()).toContain("ブラウザで");
    await row.getByRole("button", { name: `「${JA_SUBJECT}」の会話ごと元に戻す` }).click();
    await page.getByRole("status").filter({ hasText: "1 件のメッセージを元に戻しました。" }).waitFor();
    await page.getByRole("link", { name: "会話を開く" }).click();
    await page.waitForURL(new RegExp(`/conversations/${conversations.ja}$`));
    await page.getByRole("heading", { level: 1, name: JA_SUBJECT }).waitFor();

    const audit = await db().auditEvent.findMany({
      where: { subjectType: "conversation", subjectId: String(conversations.ja) },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["conversation.delete", "conversation.restore"]));
  });
});
