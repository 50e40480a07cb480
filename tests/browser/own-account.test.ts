// One's own account in Settings, in Chromium (issue 15, item 10): the admin,
// signed in on a laptop and a phone, changes the password on the laptop (the
// current one required, the same rules as every password); the laptop stays
// signed in, the phone is signed out, and the change is audited. The list of
// one's own sessions marks this browser and ends another one on request; the
// section speaks Japanese too.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "own account password 1" };
const NEW_PASSWORD = "a brand new password 2";

let yubin: YubinProcess;
let browser: Browser;
let laptop: BrowserContext;
let phone: BrowserContext;
let page: Page;
let phonePage: Page;

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  browser = await launchBrowser();
  laptop = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: "en-US" });
  phone = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: "en-US" });
  page = await laptop.newPage();
  phonePage = await phone.newPage();
  await Promise.all([signIn(page, yubin.baseUrl, ADMIN), signIn(phonePage, yubin.baseUrl, ADMIN)]);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("own account in Settings", () => {
  it("changes the password: the current one required, this browser stays, the others are signed out", async () => {
    await page.goto(`${yubin.baseUrl}/settings#password`);
    const sessions = page.getByRole("list", { name: "Your sessions" });
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(2);
    expect(await sessions.getByRole("listitem", { name: /this browser$/ }).count()).toBe(1);

    const form = page.locator("form").filter({ has: page.getByLabel("Current password") });
    const change = form.getByRole("button", { name: "Change password" });
    // A wrong current password is refused.
    await form.getByLabel("Current password").fill("not my password");
    await form.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel("New password again").fill(NEW_PASSWORD);
    await change.click();
    await form.getByRole("alert").filter({ hasText: "The current password is not correct." }).waitFor();
    // The same rules as every password.
    await form.getByLabel("Current password").fill(ADMIN.password);
    await form.getByLabel("New password", { exact: true }).fill("short");
    await form.getByLabel("New password again").fill("short");
    await change.click();
    await form.getByRole("alert").waitFor();
    expect(await form.getByRole("alert").textContent()).toMatch(/at least/);
    // The two new ones must agree.
    await form.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel("New password again").fill(`${NEW_PASSWORD}!`);
    await change.click();
    await form.getByRole("alert").filter({ hasText: "The two new passwords are not the same." }).waitFor();
    await form.getByLabel("New password again").fill(NEW_PASSWORD);
    await change.click();
    await form.getByRole("status").filter({ hasText: "Password changed. Sessions signed out elsewhere: 1." }).waitFor();

    // This browser is still signed in; the phone is not.
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(1);
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.waitForURL(/\/inbox$/);
    await phonePage.goto(`${yubin.baseUrl}/inbox`);
    await phonePage.waitForURL(/\/sign-in/);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.change_password" } });
    expect(audit.after).toEqual({ email: ADMIN.email, endedSessions: 1 });
    // Only the new password signs in.
    await signIn(phonePage, yubin.baseUrl, { email: ADMIN.email, password: NEW_PASSWORD });
  });

  it("ends another of one's own sessions from the list", async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    const sessions = page.getByRole("list", { name: "Your sessions" });
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(2);
    const other = sessions.getByRole("listitem").filter({ hasNotText: "This browser" });
    expect(await other.textContent()).toContain("Chrome");
    await other.getByRole("button", { name: "End" }).click();
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(1);
    await phonePage.goto(`${yubin.baseUrl}/settings`);
    await phonePage.waitForURL(/\/sign-in/);
    expect(await db().auditEvent.count({ where: { action: "user.end_session" } })).toBe(1);
  });

  it("speaks Japanese", async () => {
    const japanese = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      locale: "ja-JP",
      storageState: await laptop.storageState(),
    });
    const ja = await japanese.newPage();
    await ja.goto(`${yubin.baseUrl}/settings`);
    const sessions = ja.getByRole("list", { name: "あなたのセッション" });
    await sessions.getByRole("listitem", { name: /このブラウザ$/ }).waitFor();
    expect(await sessions.textContent()).toContain("ここでログアウト");
    await ja.getByRole("button", { name: "パスワードを変更" }).waitFor();
    await japanese.close();
  });
});
