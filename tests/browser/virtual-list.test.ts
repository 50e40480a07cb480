// The virtualised inbox list in Chromium over 100,000 conversations in one mailbox:
// only the rows near the viewport are in the DOM while the list reports the whole
// folder; scrolling loads the next keyset page; j/k walk past the rendered rows and
// scroll; and mail delivered by SMTP while three pages are loaded appears at the top
// without dropping the loaded rows or moving the row the reader is looking at; rows
// further down that someone closes leave the list, again without moving it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { changeStatus } from "../../server/workflow/change-status.ts";
import { launchBrowser, shortcutsLive, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "virtual list e2e password" };
const BULK = 100_000;
const NEW_SUBJECT = "Fresh mail while scrolled down";

let yubin: YubinProcess;
let browser: Browser;
let page: Page;
let smtpPort = 0;

/** Bulk conversation i (1 = newest) as its subject. */
const subject = (i: number) => `Bulk ${String(i).padStart(6, "0")}`;

beforeAll(async () => {
  ({ yubin, smtpPort } = await startMailApp({ admin: ADMIN }));
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  // One set-based insert: open, unassigned, a minute apart, all older than any new mail.
  await db().$executeRaw`
    insert into "Conversation" ("mailboxId", subject, "normalizedSubject", status, "messageCount",
      "lastMessageAt", "createdAt", "updatedAt")
    select ${support.id}, 'Bulk ' || lpad(i::text, 6, '0'), 'bulk ' || lpad(i::text, 6, '0'), 'open', 1,
      t.at, t.at, t.at
    from generate_series(1, ${BULK}) i
    cross join lateral (select now() - interval '1 day' - i * interval '1 minute' as at) t`;
  await db().$executeRaw`analyze "Conversation"`;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, yubin.baseUrl, ADMIN);
  await shortcutsLive(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

const list = () => page.getByRole("list", { name: "Conversations" });
const renderedRows = () => list().getByRole("listitem").count();
const loadedText = () => page.getByTestId("list-count").textContent();

/** How many rows are loaded, from the list's own "N of M loaded". */
async function loaded(): Promise<number> {
  const text = (await loadedText()) ?? "";
  return Number(/^([\d,]+)/.exec(text)?.[1]?.replaceAll(",", "") ?? Number.NaN);
}

/** The subject of the focused row, if the focus is on a row of the list. */
const focusedRow = () =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a?.closest("ul[aria-label='Conversations']") ? (a.textContent ?? "") : null;
  });

/** The rendered rows: position in the list and text. */
const rendered = () =>
  page.evaluate(() =>
    [...document.querySelectorAll("ul[aria-label='Conversations'] > li")].map((li) => ({
      pos: Number(li.getAttribute("aria-posinset")),
      text: li.textContent ?? "",
    })),
  );

/** The first row wholly on screen, once rows coming into view are measured and the list is still. */
async function settledTopRow(): Promise<{ pos: number; top: number } | null> {
  const topRow = () =>
    page.evaluate(async () => {
      for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
      const rows = [...document.querySelectorAll<HTMLElement>("ul[aria-label='Conversations'] > li")];
      const row = rows.find((li) => li.getBoundingClientRect().top >= 0);
      return row ? { pos: Number(row.getAttribute("aria-posinset")), top: row.getBoundingClientRect().top } : null;
    });
  let watched = await topRow();
  for (let again = await topRow(); JSON.stringify(again) !== JSON.stringify(watched); again = await topRow()) {
    watched = again;
  }
  return watched;
}

/** Scrolls to the end of the loaded rows until `pages` pages are loaded. */
async function loadPages(pages: number) {
  while ((await loaded()) < pages * 50) {
    const before = await loaded();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(loaded, { timeout: 10_000 }).toBeGreaterThan(before);
  }
}

describe("virtualised inbox list", () => {
  it("keeps a bounded number of rows in the DOM while reporting the whole folder", async () => {
    await list().waitFor();
    expect(await loadedText()).toBe("50 of 100,000 loaded");
    // Open conversations are counted exactly in the folder nav; only Closed and Spam stop at "1000+".
    expect(await page.getByTestId("folder-count-open").textContent()).toBe(String(BULK));
    expect(await page.getByTestId("folder-count-unassigned").textContent()).toBe(String(BULK));
    const first = list().getByRole("listitem").first();
    expect(await first.getAttribute("aria-setsize")).toBe(String(BULK));
    expect(await first.getAttribute("aria-posinset")).toBe("1");
    expect(
      await list()
        .getByRole("link", { name: new RegExp(subject(1)) })
        .count(),
    ).toBe(1);
    const rendered = await renderedRows();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    // The keyboard way to the next page exists and is named.
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(1);
  });

  it("loads the next page when scrolled to the end of the first, still rendering few rows", async () => {
    await loadPages(2);
    expect(await loaded()).toBe(100);
    // Into the second page: its rows are rendered in order, row 1 left the DOM.
    await page.evaluate(() => window.scrollBy(0, 1500));
    await expect.poll(() => rendered().then((rows) => Math.max(...rows.map((r) => r.pos)))).toBeGreaterThan(55);
    const rows = await rendered();
    for (const row of rows) expect(row.text).toContain(subject(row.pos));
    expect(rows.some((r) => r.pos === 1)).toBe(false);
    expect(rows.length).toBeLessThan(40);
  });

  it("moves j/k past the rendered window, scrolling to the selected row", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const lastRendered = await list().getByRole("listitem").last().getAttribute("aria-posinset").then(Number);
    const presses = lastRendered + 10;
    for (let i = 0; i < presses; i++) await page.keyboard.press("j");
    await expect.poll(focusedRow).toContain(subject(presses));
    const selected = list().getByRole("link", { name: new RegExp(subject(presses)) });
    expect(await selected.getAttribute("aria-current")).toBe("true");
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    // The selected row is on the screen.
    const box = await selected.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 900).toBe(true);
    expect(
      await list()
        .getByRole("link", { name: new RegExp(subject(1)) })
        .count(),
    ).toBe(0);
    await page.keyboard.press("k");
    await expect.poll(focusedRow).toContain(subject(presses - 1));
    expect(await selected.getAttribute("aria-current")).toBeNull();
    expect(await renderedRows()).toBeLessThan(40);
    // Scrolled far away, the selected row stays rendered and keeps the focus; j goes on from it.
    await page.evaluate(() => window.scrollBy(0, 4000));
    await expect
      .poll(() => list().getByRole("listitem").last().getAttribute("aria-posinset"))
      .not.toBe(String(presses - 1));
    expect(await focusedRow()).toContain(subject(presses - 1));
    await page.keyboard.press("j");
    await expect.poll(focusedRow).toContain(subject(presses));
    const back = await selected.boundingBox();
    expect(back && back.y >= 0 && back.y + back.height <= 900).toBe(true);
  });

  it("shows new mail at the top without losing loaded pages or the scroll position", async () => {
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.waitForFunction(() => document.documentElement.dataset.live === "connected");
    await loadPages(3);
    expect(await loaded()).toBe(150);
    // Scroll to the middle of the loaded rows and note the row at the top of the screen.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    const watched = await settledTopRow();
    expect(watched).not.toBeNull();
    if (!watched) return;
    const watchedRow = list().getByRole("link", { name: new RegExp(subject(watched.pos)) });

    await deliverToYubin(smtpPort, {
      from: "Hanako Sato <hanako@customer.example>",
      to: "support@example.com",
      subject: NEW_SUBJECT,
      text: "Arrived while you were scrolling.",
    });

    // The folder count (the list's total comes from it) and the list follow: one more, nothing dropped.
    await expect.poll(loadedText, { timeout: 10_000 }).toBe("151 of 100,001 loaded");
    // The row being read is still where it was on the screen, one place further down the list.
    await expect.poll(() => watchedRow.locator("xpath=..").getAttribute("aria-posinset")).toBe(String(watched.pos + 1));
    const box = await watchedRow.boundingBox();
    expect(Math.abs((box?.y ?? -1000) - watched.top)).toBeLessThan(2);

    // At the top, the new conversation is the first row.
    await page.evaluate(() => window.scrollTo(0, 0));
    const first = list().getByRole("listitem").first();
    await expect.poll(() => first.textContent()).toContain(NEW_SUBJECT);
    expect(await first.getAttribute("aria-posinset")).toBe("1");
    expect(
      await list()
        .getByRole("link", { name: new RegExp(subject(1)) })
        .count(),
    ).toBe(1);
  });

  it("drops rows further down that someone else closed, keeping the row being read in place", async () => {
    const admin = await db().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    const watched = await settledTopRow();
    expect(watched && watched.pos > 60).toBe(true);
    if (!watched) return;
    // The list is newest first with the new mail on top: list position p is bulk conversation p - 1.
    const watchedRow = list().getByRole("link", { name: new RegExp(subject(watched.pos - 1)) });
    const above = await db().conversation.findFirstOrThrow({ where: { subject: subject(watched.pos - 11) } });
    const below = await db().conversation.findFirstOrThrow({ where: { subject: subject(watched.pos + 1) } });
    expect(
      await list()
        .getByRole("link", { name: new RegExp(subject(watched.pos + 1)) })
        .count(),
    ).toBe(1);
    for (const { id } of [above, below]) {
      const conversation = await authorizeConversation({ userId: admin.id, conversationId: id });
      if (!conversation) throw new Error("the admin is not a member");
      await changeStatus({ actorId: admin.id, conversation, status: "closed" });
    }

    await expect.poll(loadedText, { timeout: 10_000 }).toBe("149 of 99,999 loaded");
    expect(
      await list()
        .getByRole("link", { name: new RegExp(subject(watched.pos + 1)) })
        .count(),
    ).toBe(0);
    expect(await watchedRow.locator("xpath=..").getAttribute("aria-posinset")).toBe(String(watched.pos - 1));
    const box = await watchedRow.boundingBox();
    expect(Math.abs((box?.y ?? -1000) - watched.top)).toBeLessThan(2);
  });

  it("o opens the selected row", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await expect.poll(focusedRow).toContain(subject(1));
    const id = await db().conversation.findFirstOrThrow({ where: { subject: subject(1) } });
    await page.keyboard.press("o");
    await page.waitForURL(new RegExp(`/conversations/${id.id}$`));
  });
});
