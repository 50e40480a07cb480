// Bulk actions in Chromium: 55 open conversations, 50 loaded. Checkboxes with shift-click
// for a range and `x` for the focused row; "select all loaded" then one Assign assigns 50
// in ONE request (bulk.run), audited per conversation, and Undo puts them all back;
// "select all in this folder" reaches the 5 not loaded too.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, shortcutsLive, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "bulk e2e password 1" };
const COUNT = 55;

let yubin: YubinProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let supportId = 0;
let beaId = 0;
const bulkRequests: string[] = [];

function toolbar() {
  return page.getByRole("region", { name: "Bulk actions" });
}

async function supportConversations() {
  return db().conversation.findMany({ where: { mailboxId: supportId }, orderBy: { id: "asc" } });
}

beforeAll(async () => {
  yubin = (await startMailApp({ admin: ADMIN, roles: "web" })).yubin;
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  supportId = support.id;
  const bea = await createUser({
    email: "bea@example.com",
    name: "Bea",
    password: "bulk e2e password 2",
    actorId: null,
  });
  beaId = bea.user.id;
  await db().membership.create({ data: { mailboxId: support.id, userId: beaId } });
  const start = Date.UTC(2026, 0, 5, 9);
  for (let i = 0; i < COUNT; i++) {
    await deliver(
      support.id,
      { subject: `Bulk case ${String(i + 1).padStart(2, "0")}` },
      { at: new Date(start + i * 60_000) },
    );
  }
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("request", (request) => {
    if (request.url().includes("/api/trpc/bulk.")) bulkRequests.push(request.url());
  });
  await signIn(page, yubin.baseUrl, ADMIN);
  await shortcutsLive(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("bulk actions in the inbox", () => {
  it("shift-click checks a range, x toggles the focused row", { timeout: 60_000 }, async () => {
    const first = page.getByRole("checkbox", { name: "Select “Bulk case 55”" });
    await first.click();
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: /^1 selected$/ })
      .waitFor();
    await page.getByRole("checkbox", { name: "Select “Bulk case 52”" }).click({ modifiers: ["Shift"] });
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: /^4 selected$/ })
      .waitFor();
    for (const n of [55, 54, 53, 52]) {
      expect(await page.getByRole("checkbox", { name: `Select “Bulk case ${n}”` }).isChecked()).toBe(true);
    }
    expect(await page.getByRole("checkbox", { name: "Select “Bulk case 51”" }).isChecked()).toBe(false);
    // x on the focused row (its link) unchecks it, and again checks it.
    await page.getByRole("link", { name: /Bulk case 53/ }).focus();
    await page.keyboard.press("x");
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: /^3 selected$/ })
      .waitFor();
    await page.keyboard.press("x");
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: /^4 selected$/ })
      .waitFor();
    // The shortcut help lists it.
    await page.keyboard.press("?");
    await page.getByText("Select or unselect the focused conversation").waitFor();
    await page.keyboard.press("Escape");
    await toolbar().getByRole("button", { name: "Clear selection" }).click();
    await page.getByTestId("bulk-count").waitFor({ state: "detached" });
  });

  it("assigns 50 loaded conversations in one request, audited each, and Undo puts them back", {
    timeout: 120_000,
  }, async () => {
    await toolbar().getByRole("checkbox", { name: "Select all loaded conversations" }).check();
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: /^50 selected$/ })
      .waitFor();
    bulkRequests.length = 0;
    await toolbar().getByRole("combobox", { name: "Assign selected" }).selectOption({ label: "Bea" });
    await page.getByTestId("bulk-outcome").getByText("Done for 50 conversations.").waitFor({ timeout: 60_000 });
    expect(bulkRequests).toHaveLength(1);
    const assigned = (await supportConversations()).filter((c) => c.assigneeId === beaId);
    expect(assigned).toHaveLength(50);
    expect(
      await db().auditEvent.count({
        where: { action: "conversation.assigned", subjectId: { in: assigned.map((c) => String(c.id)) } },
      }),
    ).toBe(50);
    // The list shows it too (the page refreshed).
    await page
      .getByRole("link", { name: /Bulk case 55/ })
      .getByText("Assigned to Bea")
      .waitFor();

    await page.getByTestId("bulk-outcome").getByRole("button", { name: "Undo" }).click();
    await page.getByTestId("bulk-outcome").getByText("Undone for 50 conversations.").waitFor({ timeout: 60_000 });
    expect(bulkRequests).toHaveLength(2);
    expect((await supportConversations()).every((c) => c.assigneeId === null)).toBe(true);
    await page
      .getByRole("link", { name: /Bulk case 55/ })
      .getByText("Unassigned")
      .waitFor();
  });

  it("select all in this folder reaches the conversations not loaded yet", { timeout: 120_000 }, async () => {
    await toolbar().getByRole("checkbox", { name: "Select all loaded conversations" }).check();
    await toolbar()
      .getByRole("button", { name: `Select all ${COUNT} in this folder` })
      .click();
    await page
      .getByTestId("bulk-count")
      .filter({ hasText: new RegExp(`^${COUNT} selected$`) })
      .waitFor();
    await toolbar().getByRole("combobox", { name: "Set status of selected" }).selectOption({ label: "Pending" });
    // 55 conversations, each through the domain function in its own transaction: a minute on a loaded machine.
    await page.getByTestId("bulk-outcome").getByText(`Done for ${COUNT} conversations.`).waitFor({ timeout: 60_000 });
    expect((await supportConversations()).every((c) => c.status === "pending")).toBe(true);
    // The open folder is now empty and its list gone; the notice and its Undo stay.
    await page.getByRole("list", { name: "Conversations" }).waitFor({ state: "detached", timeout: 30_000 });
    await page.getByTestId("bulk-outcome").getByRole("button", { name: "Undo" }).click();
    await expect
      .poll(() => page.getByTestId("bulk-outcome").textContent(), { timeout: 60_000 })
      .toContain(`Undone for ${COUNT} conversations.`);
    expect((await supportConversations()).every((c) => c.status === "open")).toBe(true);
  });
});
