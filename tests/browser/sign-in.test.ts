// A person signing in through the real page in Chromium, using the shell and
// the admin forms, and signing out.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { launchBrowser } from "../support/browser.ts";
import { useTestDatabase } from "../support/database.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin password 123" };
let yubin: YubinProcess;
let browser: Browser;

async function signInPage(page: Page, email: string, password: string) {
  await page.goto(`${yubin.baseUrl}/`);
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  const url = await useTestDatabase();
  yubin = await startYubinProcess({
    roles: "web",
    env: {
      DATABASE_URL: url,
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("signing in through the browser", () => {
  it("shows one message for a wrong password", async () => {
    const page = await browser.newPage();
    await signInPage(page, ADMIN.email, "not the password");
    await expectText(page.getByRole("alert"), "Incorrect email or password.");
    await page.screenshot({ path: "/tmp/yubin-sign-in.png" });
    expect(page.url()).toMatch(/\/sign-in$/);
    await page.close();
  });

  it("signs in as admin, uses the admin forms and signs out", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // A missing element fails with its locator rather than at the test's timeout.
    page.setDefaultTimeout(10_000);
    await signInPage(page, ADMIN.email, ADMIN.password);
    await page.waitForURL(/\/inbox$/);
    await expectText(page.getByTestId("current-user-email"), ADMIN.email);
    await expectText(page.locator("main"), "No conversations yet — mail sent to admin@example.com will appear here.");
    await page.screenshot({ path: "/tmp/yubin-inbox.png", fullPage: true });

    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.waitForURL(/\/admin\/users$/);

    await page.getByRole("link", { name: "Domains" }).click();
    await page.waitForURL(/\/admin\/domains$/);
    await page.getByLabel("Domain name").fill("Example.ORG");
    await page.getByRole("button", { name: "Add domain" }).click();
    await expectText(page.getByRole("status"), "Added example.org.");
    const records = page.getByRole("table", { name: "DNS records for example.org" });
    await expectText(records.getByRole("row").filter({ hasText: "MX" }), "10 127.0.0.1.");
    // The domain function's message appears next to the form.
    await page.getByLabel("Domain name").fill("example.org");
    await page.getByRole("button", { name: "Add domain" }).click();
    await expectText(page.getByRole("alert"), "domain example.org already exists");
    await page.screenshot({ path: "/tmp/yubin-admin-domains.png", fullPage: true });

    await page.getByRole("link", { name: "Users" }).click();
    await page.waitForURL(/\/admin\/users$/);
    // The users page also has an invitation form with its own Email and Name.
    const addUser = page.getByRole("region", { name: "Add a user" });
    await addUser.getByLabel("Email").fill("hanako@example.org");
    await addUser.getByLabel("Name", { exact: true }).fill("Hanako Yamada");
    await addUser.getByLabel("Password").fill("short");
    await addUser.getByRole("button", { name: "Add user" }).click();
    await expectText(addUser.getByRole("alert"), "password must be at least 10 characters");
    await addUser.getByLabel("Password").fill("hanako password 1");
    await addUser.getByRole("button", { name: "Add user" }).click();
    await expectText(addUser.getByRole("status"), "Added hanako@example.org with personal mailbox hanako@example.org.");
    await expectText(page.getByRole("table"), "Hanako Yamada");
    await page.screenshot({ path: "/tmp/yubin-admin.png", fullPage: true });

    await page.getByRole("link", { name: "Mailboxes" }).click();
    await page.waitForURL(/\/admin\/mailboxes$/);
    await page.getByLabel("Address").fill("help@example.org");
    await page.getByLabel("hanako@example.org", { exact: true }).check();
    await page.getByLabel("Quota", { exact: true }).fill("500MB");
    await page.getByRole("button", { name: "Add mailbox" }).click();
    await expectText(page.getByRole("status"), "Added help@example.org.");
    await expectText(page.locator("main"), "0 B of 500 MB");
    await page.screenshot({ path: "/tmp/yubin-admin-mailboxes.png", fullPage: true });
    // Limits are set in one place, the Quotas tab, which the mailbox links to.
    await page.getByRole("link", { name: "Limits and warnings of help@example.org" }).click();
    await page.waitForURL(/\/admin\/quotas#quota-\d+$/);
    const limits = page.getByRole("form", { name: "Limits of help@example.org" });
    await limits.getByLabel("Storage limit").fill("1GB");
    await limits.getByRole("button", { name: "Save limits of help@example.org" }).click();
    await expectText(limits.getByRole("status"), "Saved the limits of help@example.org.");
    await page.getByRole("link", { name: "Mailboxes" }).click();
    await page.waitForURL(/\/admin\/mailboxes$/);
    await expectText(page.locator("main"), "0 B of 1 GB");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.waitForURL(/\/sign-in$/);
    await context.close();
  });

  it("hides the admin pages from agents", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInPage(page, "hanako@example.org", "hanako password 1");
    await page.waitForURL(/\/inbox$/);
    await expectText(page.locator("main"), "mail sent to hanako@example.org will appear here.");
    expect(await page.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    const response = await page.goto(`${yubin.baseUrl}/admin/users`);
    expect(response?.status()).toBe(404);
    await context.close();
  });
});

/** Waits for the locator to contain the text (the page updates after a server round trip). */
async function expectText(locator: ReturnType<Page["locator"]>, text: string) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}
