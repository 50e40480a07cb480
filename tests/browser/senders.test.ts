// Spam hygiene in Chromium: "Block sender" on a conversation (the whole domain) moves it to
// Spam and lists the domain in Settings, where the next mail from it lands in Spam; "Not
// spam" with "Always allow" reopens a conversation and the sender's next mail stays in the
// inbox; the rule is removed from Settings. Also one message of a thread deleted from its
// page and restored from Recently deleted (the conversation case is recovery.test.ts).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { deliverInbound } from "../../server/mail-store/deliver-inbound.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { customerMail, deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "senders e2e password 1" };

let yubin: YubinProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let supportId = 0;

/** Mail from `from` as the MX stores it; its conversation's status. */
async function arrive(from: string): Promise<string> {
  const [result] = await deliverInbound({
    raw: customerMail({ from }).raw,
    mailFrom: from,
    recipients: [{ address: "support@example.com", mailboxId: supportId, quarantine: false }],
  });
  const conversation = await db().conversation.findUniqueOrThrow({ where: { id: result?.conversationId as number } });
  return conversation.status;
}

beforeAll(async () => {
  yubin = (await startMailApp({ admin: ADMIN, roles: "web" })).yubin;
  supportId = (await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } })).id;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signIn(page, yubin.baseUrl, ADMIN);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("block sender and not spam", () => {
  it("blocks a domain from a conversation, lists it in Settings, and removes it there", {
    timeout: 90_000,
  }, async () => {
    const { conversationId } = await deliver(supportId, { from: "Pest <pest@pests.example>", subject: "Cheap pills" });
    await page.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    await page.getByRole("button", { name: "Block sender" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("radio", { name: "Block everyone at pests.example" }).check();
    await dialog.getByRole("button", { name: "Block" }).click();
    await page.getByRole("status").filter({ hasText: "Blocked pests.example" }).waitFor();
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversationId } })).status).toBe("spam");
    expect(await arrive("another@pests.example")).toBe("spam");

    await page.goto(`${yubin.baseUrl}/settings`);
    const section = page.getByRole("region", { name: "Senders of support@example.com" });
    await section.getByText("pests.example").waitFor();
    await section.getByRole("button", { name: "Remove pests.example" }).click();
    await section.getByText("No blocked or allowed senders.").waitFor();
    expect(await arrive("third@pests.example")).toBe("open");
  });

  it("Not spam with Always allow reopens it and lets the sender through a domain block", {
    timeout: 90_000,
  }, async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    const form = page.getByRole("form", { name: "Add a sender to support@example.com" });
    await form.getByLabel("Address or domain").fill("@Mixed.Example");
    await form.getByRole("button", { name: "Add" }).click();
    await page.getByRole("region", { name: "Senders of support@example.com" }).getByText("mixed.example").waitFor();
    const bad = await addBadPattern(form);
    expect(bad).toContain("Enter an address (name@example.com) or a domain (example.com).");

    expect(await arrive("Real Person <real@mixed.example>")).toBe("spam");
    const spam = await db().conversation.findFirstOrThrow({
      where: { mailboxId: supportId, status: "spam", contact: { email: "real@mixed.example" } },
    });
    await page.goto(`${yubin.baseUrl}/conversations/${spam.id}`);
    await page.getByRole("checkbox", { name: "Always allow real@mixed.example" }).check();
    await page.getByRole("button", { name: "Not spam" }).click();
    await page.getByRole("status").filter({ hasText: "Moved back to Open." }).waitFor();
    expect((await db().conversation.findUniqueOrThrow({ where: { id: spam.id } })).status).toBe("open");
    expect(await arrive("real@mixed.example")).toBe("open");
    expect(await arrive("other@mixed.example")).toBe("spam");
  });
});

/** Types a bad pattern into the add form and returns the error shown. */
async function addBadPattern(form: ReturnType<Page["getByRole"]>): Promise<string> {
  await form.getByLabel("Address or domain").fill("not an address");
  await form.getByRole("button", { name: "Add" }).click();
  const alert = page.getByRole("region", { name: "Senders of support@example.com" }).getByRole("alert");
  await alert.waitFor();
  return alert.innerText();
}

describe("one message of a thread", () => {
  it("is deleted from its page and restored from Recently deleted", { timeout: 90_000 }, async () => {
    const first = await deliver(supportId, { subject: "Two parts", messageId: "part-1@customer.example" });
    await deliver(supportId, {
      subject: "Re: Two parts",
      text: "The second part.",
      headers: ["In-Reply-To: <part-1@customer.example>"],
    });
    expect(await db().message.count({ where: { conversationId: first.conversationId } })).toBe(2);
    await page.goto(`${yubin.baseUrl}/conversations/${first.conversationId}`);
    await page.getByRole("button", { name: "Delete this message" }).last().click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
    await expect
      .poll(() => db().message.count({ where: { conversationId: first.conversationId, deletedAt: null } }), {
        timeout: 20_000,
      })
      .toBe(1);
    await page.goto(`${yubin.baseUrl}/deleted`);
    const row = page.getByTestId("deleted-mail-row").filter({ hasText: "Re: Two parts" });
    await row.getByRole("button", { name: "Restore “Re: Two parts”" }).click();
    await page.getByRole("status").filter({ hasText: "Restored 1 message." }).waitFor();
    expect(await db().message.count({ where: { conversationId: first.conversationId, deletedAt: null } })).toBe(2);
  });
});
