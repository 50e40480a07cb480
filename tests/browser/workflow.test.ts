// The workflow end to end in Chromium with two signed-in agents in two browser
// contexts: mail arrives by SMTP; A assigns it to herself and B, reloading,
// sees it under A; B sets Pending and finds it under Pending; A, still showing
// Open, is told "Changed by someone else"; B snoozes it and finds it under
// Snoozed; the History lists every change.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "workflow e2e password 1" };
const BEA = { email: "bea@example.com", password: "workflow e2e password 2" };
const SUBJECT = "プリンターが動きません (printer down)";

let yubin: YubinProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let a: Page;
let b: Page;
let conversationUrl = "";

async function openAs(who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, yubin.baseUrl, who);
  return page;
}

function rows(page: Page) {
  return page.getByRole("list", { name: "Conversations" }).getByRole("link");
}

async function openFolder(page: Page, name: string) {
  await page
    .getByRole("navigation", { name: "Folders" })
    .getByRole("link", { name: new RegExp(`^${name}\\b`) })
    .click();
  await page.waitForURL(/folder=|\/inbox$/);
}

beforeAll(async () => {
  const started = await startMailApp({ admin: ADMIN });
  yubin = started.yubin;
  // The second agent, a member of support@ like the admin.
  const bea = await createUser({ email: BEA.email, name: "Bea", password: BEA.password, actorId: null });
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  await db().membership.create({ data: { mailboxId: support.id, userId: bea.user.id } });

  await deliverToYubin(started.smtpPort, {
    from: "山田 太郎 <taro@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "朝からプリンターが動きません。",
    messageId: "<printer-1@customer.example>",
  });
  browser = await launchBrowser();
  a = await openAs(ADMIN);
  b = await openAs(BEA);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("two agents working one conversation", () => {
  it("A assigns it to herself; B reloads and sees it assigned to A", async () => {
    await rows(a).filter({ hasText: SUBJECT }).first().waitFor();
    expect(await a.getByTestId("folder-count-unassigned").textContent()).toBe("1");
    await rows(a).filter({ hasText: SUBJECT }).first().click();
    await a.waitForURL(/\/conversations\/\d+$/);
    conversationUrl = a.url();
    await a.getByRole("button", { name: "Assign to me" }).click();
    await a.getByRole("button", { name: "Assign to me" }).waitFor({ state: "detached" });
    expect(await a.getByRole("combobox", { name: "Assign" }).locator("option:checked").textContent()).toBe(
      "Administrator",
    );

    await b.reload();
    const row = rows(b).filter({ hasText: SUBJECT }).first();
    await row.waitFor();
    expect(await row.getByTestId("assignee").textContent()).toBe("Assigned to Administrator");
    expect(await b.getByTestId("folder-count-unassigned").textContent()).toBe("0");
    await openFolder(b, "Unassigned");
    await b.getByText("No conversations here.").waitFor();
    expect(await rows(b).count()).toBe(0);
  });

  it("B sets Pending and finds it under Pending; A's stale change is refused with the current state", async () => {
    // A's page must stay stale for this check: cut it off from live updates,
    // which would otherwise show B's change before A acts.
    await a.route("**/api/live**", (route) => route.abort());
    await a.goto(conversationUrl);
    await b.goto(conversationUrl);
    await Promise.all([
      b.waitForResponse((r) => r.url().includes("workflow.setStatus") && r.ok()),
      b.getByRole("combobox", { name: "Status" }).selectOption("pending"),
    ]);
    await b.goto(`${yubin.baseUrl}/inbox`);
    await openFolder(b, "Pending");
    await rows(b).filter({ hasText: SUBJECT }).first().waitFor();
    expect(await b.getByTestId("folder-count-pending").textContent()).toBe("1");

    // A's page still shows Open.
    expect(await a.getByRole("combobox", { name: "Status" }).inputValue()).toBe("open");
    await a.getByRole("combobox", { name: "Status" }).selectOption("closed");
    const alert = a.getByRole("alert").filter({ hasText: "Changed by someone else" });
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Changed by someone else: now Pending, assigned to Administrator");
    await a.waitForFunction(
      () => (document.querySelector("section[aria-label=Workflow] select") as HTMLSelectElement)?.value === "pending",
    );
    await a.unroute("**/api/live**");
  });

  it("B snoozes it and finds it under Snoozed, not under Pending; the History shows every change", async () => {
    await b.goto(conversationUrl);
    await b.getByRole("combobox", { name: "Snooze" }).selectOption("tomorrow");
    await b.getByTestId("snoozed-until").waitFor();
    await b.goto(`${yubin.baseUrl}/inbox`);
    await openFolder(b, "Snoozed");
    const row = rows(b).filter({ hasText: SUBJECT }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain("Snoozed until");
    expect(await b.getByTestId("folder-count-pending").textContent()).toBe("0");
    await b.screenshot({ path: "/tmp/yubin-workflow.png", fullPage: true });

    await b.goto(conversationUrl);
    await b.getByText("History").click();
    const history = b.getByRole("list", { name: "History" }).getByRole("listitem");
    const lines = await history.allInnerTexts();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain("Administrator assigned it to Administrator");
    expect(lines[1]).toContain("Bea changed the status from Open to Pending");
    expect(lines[2]).toContain("Bea snoozed it until");
    await b.screenshot({ path: "/tmp/yubin-workflow-conversation.png", fullPage: true });
  });
});
