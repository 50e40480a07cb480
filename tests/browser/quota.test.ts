// Quotas in the browser, in English and in Japanese: an admin watches the
// usage bar of support@ move as mail arrives over SMTP (without reloading),
// the inbox shows members a warning banner once a threshold is crossed, the
// notice mail arrives once per crossing, and Recalculate reports no drift.
// Each step has 90 s: it signs in, renders pages and sends mail over SMTP,
// and a shared machine may be busy.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "quota e2e password 1" };

let yubin: YubinProcess;
let smtpPort = 0;
let browser: Browser;
let en: BrowserContext;
let ja: BrowserContext;
let page: Page;
let n = 0;

async function deliver(): Promise<void> {
  n++;
  await deliverToYubin(smtpPort, {
    from: `Customer ${n} <customer${n}@customer.example>`,
    to: "support@example.com",
    subject: `Question ${n}`,
    text: `Hello, question number ${n}.`,
    messageId: `<quota-e2e-${n}@customer.example>`,
  });
}

/** Quota notices about support@ in the admin's own mailbox, by threshold. */
async function notices(): Promise<number[]> {
  const personal = await db().mailbox.findUniqueOrThrow({ where: { address: ADMIN.email } });
  const rows = await db().message.findMany({
    where: { mailboxId: personal.id, subject: { startsWith: "Mailbox support@example.com is " } },
    orderBy: { id: "asc" },
  });
  return rows.map((m) => Number(/is (\d+)% full/.exec(m.subject)?.[1]));
}

async function barValue(name: string): Promise<string | null> {
  return page.getByRole("progressbar", { name }).getAttribute("aria-valuenow");
}

beforeAll(async () => {
  const started = await startMailApp({ admin: ADMIN });
  yubin = started.yubin;
  smtpPort = started.smtpPort;
  await setQuotaLimits({ address: "support@example.com", quotaMessages: 5, actorId: null });
  browser = await launchBrowser();
  en = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  page = await en.newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("quotas in English", () => {
  it("shows the bar of support@ move after a delivery, without a reload", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/quotas`);
    await page.getByRole("heading", { name: "Mailbox quotas" }).waitFor();
    const bar = "Messages in support@example.com";
    expect(await barValue(bar)).toBe("0");
    await deliver();
    await waitFor("the bar at 20%", async () => (await barValue(bar)) === "20");
    expect(await page.getByText("0 of 5 messages").count()).toBe(0);
    await expect(page.getByText("1 of 5 messages").isVisible()).resolves.toBe(true);
    await page.getByText(/INBOX: .*, 1 messages/).waitFor();
  }, 90_000);

  it("warns at 80 %: one notice mail to the member and a banner in the inbox", async () => {
    for (let i = 0; i < 3; i++) await deliver();
    expect(await notices()).toEqual([80]);
    await page.goto(`${yubin.baseUrl}/inbox`);
    const banner = page.getByRole("status").filter({ hasText: "support@example.com is 80% full" });
    await banner.waitFor();
    expect(await banner.innerText()).toContain("4 of 5 messages");
    await page.goto(`${yubin.baseUrl}/admin/quotas`);
    await page.getByText("80% reached").waitFor();
    await page.getByRole("button", { name: "Recalculate the usage of support@example.com" }).click();
    await page.getByRole("status").filter({ hasText: "Recounted support@example.com: no drift." }).waitFor();
  }, 90_000);
});

describe("quotas in Japanese", () => {
  it("shows the bar reach 100 %, the Japanese banner, and the second notice", async () => {
    ja = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "ja-JP",
      storageState: await en.storageState(),
    });
    page = await ja.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${yubin.baseUrl}/admin/quotas`);
    await page.getByRole("heading", { name: "メールボックスの容量" }).waitFor();
    const bar = "support@example.com のメッセージ数";
    expect(await barValue(bar)).toBe("80");
    await deliver();
    await waitFor("the bar at 100%", async () => (await barValue(bar)) === "100");
    await page.getByText("95% に到達").waitFor();
    expect(await notices()).toEqual([80, 95]);
    // Full now: the next message is refused at RCPT, as a sending server sees it.
    await expect(deliver()).rejects.toMatchObject({ responseCode: 452 });
    await page.goto(`${yubin.baseUrl}/inbox`);
    const banner = page.getByRole("status").filter({ hasText: "support@example.com の使用量が 100% に達しています" });
    await banner.waitFor();
    expect(await banner.innerText()).toContain("5 通中 5 通");
  }, 90_000);
});
