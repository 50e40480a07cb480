// A dense inbox in Chromium: the compact density fits at least 12 rows on a 1440×900 screen
// and, like the reading pane, is remembered on the server for the user (it survives a reload
// and a fresh sign-in in another browser); the reading pane opens a conversation beside the
// list on a wide screen, while a phone still goes from the list to the conversation's page
// without scrolling sideways; the waiting-longest sort says how long each customer has waited
// (in English and Japanese); a search result is the inbox's row (assignee, mailbox, status).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { setPreferences } from "../../server/users/set-preferences.ts";
import { assignConversation } from "../../server/workflow/assign.ts";
import { launchBrowser, shortcutsLive, signIn } from "../support/browser.ts";
import { deliver, makeSharedMailbox } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "inbox layout e2e password" };
const HOUR = 3600_000;
const WIDE = { width: 1440, height: 900 };
const ASSIGNED = "Refund for order 4711";
/** A saved choice re-renders the page through the server; a loaded machine takes seconds. */
const POLL = { timeout: 20_000, interval: 100 };
/** Some tests sign in afresh in new browser contexts (what they test). */
const TEST_MS = 150_000;

let yubin: YubinProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
let adminId = 0;
let assignedId = 0;
let adminContext: BrowserContext | undefined;
let adminTab: Page | undefined;

async function newPage(
  viewport: { width: number; height: number },
  mobile = false,
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>,
): Promise<Page> {
  const context = await browser.newContext(
    mobile
      ? { viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2, storageState }
      : { viewport, storageState },
  );
  contexts.push(context);
  return context.newPage();
}

/**
 * The admin's page at 1440×900, signed in once for the file and shared by the tests
 * (a new context costs Chromium seconds of CPU); a test that needs a browser that
 * has never seen the admin signs in afresh with newPage().
 */
async function adminPage(): Promise<Page> {
  if (adminTab) return adminTab;
  const page = await newPage(WIDE);
  await signIn(page, yubin.baseUrl, ADMIN);
  adminContext = page.context();
  adminTab = page;
  return page;
}

/** Rows of the inbox list wholly inside the viewport. */
const visibleRows = (page: Page) =>
  page.evaluate(
    () =>
      [...document.querySelectorAll("ul[aria-label='Conversations'] > li")].filter((li) => {
        const box = li.getBoundingClientRect();
        return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
      }).length,
  );

const layoutOf = async () =>
  db().user.findUniqueOrThrow({ where: { id: adminId }, select: { inboxDensity: true, readingPane: true } });

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  adminId = (await db().user.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
  // A second mailbox: the rows say which mailbox each conversation is in.
  await makeSharedMailbox("sales@example.com", [ADMIN.email]);
  const now = Date.now();
  // 20 open conversations an hour apart; the two oldest have waited days.
  for (let i = 0; i < 18; i++) {
    await deliver(support.id, { subject: `Question ${i + 1}` }, { at: new Date(now - (i + 2) * HOUR - 5 * 60_000) });
  }
  await deliver(support.id, { subject: "Waited three days" }, { at: new Date(now - 3 * 24 * HOUR - HOUR) });
  ({ conversationId: assignedId } = await deliver(
    support.id,
    { subject: ASSIGNED },
    { at: new Date(now - 30 * 60_000) },
  ));
  const conversation = await authorizeConversation({ userId: adminId, conversationId: assignedId });
  if (!conversation) throw new Error("gate refused");
  await assignConversation({ actorId: adminId, conversation, assigneeId: adminId });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("the inbox layout", () => {
  it(
    "fits at least 12 rows at 1440×900 in compact, kept across a reload and a sign-in elsewhere",
    async () => {
      const page = await adminPage();
      await shortcutsLive(page);
      const compact = page.getByRole("button", { name: "Compact" });
      expect(await compact.getAttribute("aria-pressed")).toBe("false");
      const comfortable = await visibleRows(page);
      expect(comfortable).toBeLessThan(12);

      await compact.click();
      await expect.poll(() => visibleRows(page), POLL).toBeGreaterThanOrEqual(12);
      expect((await layoutOf()).inboxDensity).toBe("compact");
      await page.screenshot({ path: "/tmp/yubin-inbox-compact.png" });

      await page.reload();
      await shortcutsLive(page);
      expect(await compact.getAttribute("aria-pressed")).toBe("true");
      expect(await visibleRows(page)).toBeGreaterThanOrEqual(12);

      // Another browser, signed in afresh (nothing in its storage): the server remembers.
      const elsewhere = await newPage(WIDE);
      await signIn(elsewhere, yubin.baseUrl, ADMIN);
      await shortcutsLive(elsewhere);
      expect(await elsewhere.getByRole("button", { name: "Compact" }).getAttribute("aria-pressed")).toBe("true");
      expect(await visibleRows(elsewhere)).toBeGreaterThanOrEqual(12);
      // Settings shows the same choice, and switching back there is the same switch.
      await elsewhere.goto(`${yubin.baseUrl}/settings`);
      await shortcutsLive(elsewhere);
      await elsewhere.getByRole("button", { name: "Comfortable" }).click();
      await expect.poll(async () => (await layoutOf()).inboxDensity, POLL).toBe("comfortable");
      await elsewhere.getByRole("button", { name: "Compact" }).click();
      await expect.poll(async () => (await layoutOf()).inboxDensity, POLL).toBe("compact");
    },
    TEST_MS,
  );

  it(
    "opens a conversation beside the list with the reading pane, remembered; a phone still navigates",
    async () => {
      const page = await adminPage();
      await page.goto(`${yubin.baseUrl}/inbox`);
      await shortcutsLive(page);
      const paneButton = page.getByRole("button", { name: "Reading pane" });
      expect(await paneButton.getAttribute("aria-pressed")).toBe("false");
      await paneButton.click();
      await expect.poll(async () => (await layoutOf()).readingPane, POLL).toBe(true);
      const pane = page.getByRole("region", { name: "Conversation" });
      await pane.getByText("Choose a conversation to read it here.").waitFor();

      const list = page.getByRole("list", { name: "Conversations" });
      await list
        .getByRole("link")
        .filter({ hasText: /Question 3(?!\d)/ })
        .click();
      await pane.getByRole("heading", { name: "Question 3", level: 1, exact: true }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/inbox");
      expect(new URL(page.url()).searchParams.get("open")).toMatch(/^\d+$/);
      // The list is still there beside it, the open row marked, the pane to its right.
      const listBox = await list.boundingBox();
      const paneBox = await pane.boundingBox();
      expect(listBox && paneBox && paneBox.x >= listBox.x + listBox.width).toBe(true);
      expect(await list.locator("a[data-open='true']").textContent()).toContain("Question 3");
      await page.screenshot({ path: "/tmp/yubin-inbox-pane.png" });

      // Another row replaces the pane's conversation; a modified click still opens a page of its own.
      await list
        .getByRole("link")
        .filter({ hasText: /Question 5(?!\d)/ })
        .click();
      await pane.getByRole("heading", { name: "Question 5", level: 1, exact: true }).waitFor();

      await page.reload();
      await pane.getByRole("heading", { name: "Question 5", level: 1, exact: true }).waitFor();
      await pane.getByRole("link", { name: "Close reading pane" }).click();
      await pane.getByText("Choose a conversation to read it here.").waitFor();
      expect(new URL(page.url()).searchParams.get("open")).toBe(null);

      // A fresh sign-in elsewhere has the pane on.
      const elsewhere = await newPage(WIDE);
      await signIn(elsewhere, yubin.baseUrl, ADMIN);
      await shortcutsLive(elsewhere);
      expect(await elsewhere.getByRole("button", { name: "Reading pane" }).getAttribute("aria-pressed")).toBe("true");
      await elsewhere
        .getByRole("list", { name: "Conversations" })
        .getByRole("link")
        .filter({ hasText: /Question 2(?!\d)/ })
        .click();
      await elsewhere
        .getByRole("region", { name: "Conversation" })
        .getByRole("heading", { name: "Question 2", level: 1, exact: true })
        .waitFor();

      // On a phone the same user's row goes to the conversation's page, and nothing scrolls sideways.
      const phone = await newPage({ width: 390, height: 844 }, true, await adminContext?.storageState());
      await phone.goto(`${yubin.baseUrl}/inbox`);
      await shortcutsLive(phone);
      const fits = () =>
        phone.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
      expect(await fits()).toBe(true);
      expect(await phone.getByRole("region", { name: "Conversation" }).isVisible()).toBe(false);
      await phone
        .getByRole("list", { name: "Conversations" })
        .getByRole("link")
        .filter({ hasText: /Question 4(?!\d)/ })
        .click();
      await phone.waitForURL(/\/conversations\/\d+$/);
      await phone.getByRole("heading", { name: "Question 4", level: 1, exact: true }).waitFor();
      expect(await fits()).toBe(true);
    },
    TEST_MS,
  );

  it(
    "says how long each customer has waited in the waiting-longest sort, in English and Japanese",
    async () => {
      const page = await adminPage();
      await page.goto(`${yubin.baseUrl}/inbox?sort=waiting`);
      await shortcutsLive(page);
      const row = (subject: string) =>
        // The list's name is in the UI's language: found by its data attribute in both.
        page.locator("ul[data-conversation-list] > li").filter({ hasText: new RegExp(`${subject}(?!\\d)`) });
      expect(await row("Waited three days").getByTestId("waited").locator("[aria-hidden='true']").innerText()).toBe(
        "3 d",
      );
      expect(await row("Question 16").getByTestId("waited").locator("[aria-hidden='true']").innerText()).toBe("17 h");
      // The list is virtualised and oldest first here: these rows are near its top, so rendered.
      expect(await row("Question 18").getByTestId("waited").locator("[aria-hidden='true']").innerText()).toBe("19 h");
      expect(await row("Question 16").getByTestId("waited").textContent()).toContain("Waiting 17 h");
      // Only that sort shows it.
      await page.goto(`${yubin.baseUrl}/inbox`);
      await shortcutsLive(page);
      await row("Question 1").waitFor();
      expect(await page.getByTestId("waited").count()).toBe(0);

      await setPreferences({ userId: adminId, locale: "ja", timeZone: null });
      try {
        await page.goto(`${yubin.baseUrl}/inbox?sort=waiting`);
        await shortcutsLive(page);
        expect(await row("Waited three days").getByTestId("waited").locator("[aria-hidden='true']").innerText()).toBe(
          "3日",
        );
        expect(await row("Question 18").getByTestId("waited").locator("[aria-hidden='true']").innerText()).toBe(
          "19時間",
        );
      } finally {
        await setPreferences({ userId: adminId, locale: "en", timeZone: null });
      }
    },
    TEST_MS,
  );

  it(
    "shows a search result as the inbox row: assignee, mailbox and status",
    async () => {
      const page = await adminPage();
      const admin = await db().user.findUniqueOrThrow({ where: { id: adminId } });
      await page.goto(`${yubin.baseUrl}/search?q=${encodeURIComponent("4711")}`);
      await shortcutsLive(page);
      const result = page.getByRole("list", { name: "Search results" }).getByRole("listitem");
      await result.first().waitFor();
      expect(await result.count()).toBe(1);
      expect(await result.getByTestId("assignee").innerText()).toBe(`Assigned to ${admin.name}`);
      expect(await result.locator("[title='support@example.com']").count()).toBe(1);
      expect(await result.innerText()).toContain("Open");
      // The same row as in the inbox.
      await page.goto(`${yubin.baseUrl}/inbox?folder=mine`);
      await shortcutsLive(page);
      const inboxRow = page
        .getByRole("list", { name: "Conversations" })
        .getByRole("listitem")
        .filter({ hasText: ASSIGNED });
      expect(await inboxRow.getByTestId("assignee").innerText()).toBe(`Assigned to ${admin.name}`);
      expect(await inboxRow.locator("[title='support@example.com']").count()).toBe(1);
    },
    TEST_MS,
  );
});
