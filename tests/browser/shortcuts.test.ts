// Keyboard shortcuts end to end in Chromium: two mails are in the inbox; in the
// inbox j, j, k move the selection and o opens it; in the conversation e closes
// it and r opens the composer, where typing "j" is just text; ? shows the help
// dialog, which Escape closes.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, shortcutsLive, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "shortcuts e2e password 1" };
const OLDER = "Shortcut test: older mail";
const NEWER = "Shortcut test: newer mail";

let yubin: YubinProcess;
let browser: Browser;
let page: Page;

function rows() {
  return page.getByRole("list", { name: "Conversations" }).getByRole("link");
}

/** The row the keyboard selection is on (focused), as its subject text. */
function selected() {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el?.closest("ul[aria-label='Conversations']") ? (el.textContent ?? "") : null;
  });
}

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  // Stored through the one write path, a minute apart, so "newest first" is unambiguous.
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const now = Date.now();
  await deliver(
    support.id,
    {
      from: "Olga <olga@customer.example>",
      subject: OLDER,
      text: "The first one.",
      messageId: "shortcut-1@customer.example",
    },
    { at: new Date(now - 60_000) },
  );
  await deliver(
    support.id,
    {
      from: "Nils <nils@customer.example>",
      subject: NEWER,
      text: "The second one.",
      messageId: "shortcut-2@customer.example",
    },
    { at: new Date(now) },
  );

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signIn(page, yubin.baseUrl, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("keyboard shortcuts", () => {
  it("j, j, k move the selection through the inbox and o opens it", async () => {
    await rows().filter({ hasText: OLDER }).waitFor();
    await rows().filter({ hasText: NEWER }).waitFor();
    expect(await rows().count()).toBe(2);
    await shortcutsLive(page);

    await page.keyboard.press("j");
    expect(await selected()).toContain(NEWER);
    await page.keyboard.press("j");
    expect(await selected()).toContain(OLDER);
    expect(await rows().nth(1).getAttribute("aria-current")).toBe("true");
    await page.keyboard.press("k");
    expect(await selected()).toContain(NEWER);
    expect(await rows().nth(1).getAttribute("aria-current")).toBeNull();

    await page.keyboard.press("o");
    await page.waitForURL(/\/conversations\/\d+$/);
    await page.getByRole("heading", { level: 1, name: NEWER }).waitFor();
    await shortcutsLive(page);
  });

  it("e closes the conversation", async () => {
    const status = page.getByRole("combobox", { name: "Status" });
    expect(await status.inputValue()).toBe("open");
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("workflow.setStatus") && r.ok()),
      page.keyboard.press("e"),
    ]);
    await page.waitForFunction(
      () => (document.querySelector("select[data-shortcut='status']") as HTMLSelectElement)?.value === "closed",
    );
    await page.reload();
    expect(await page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("closed");
    // The reloaded page is server-rendered first; keys pressed before it hydrates are lost.
    await shortcutsLive(page);
  });

  it("r opens the composer; typing j there is text, not a shortcut", async () => {
    await page.keyboard.press("r");
    const body = page.getByLabel("Message", { exact: true });
    await body.waitFor();
    expect(await page.getByRole("button", { name: "Reply", exact: true }).getAttribute("aria-pressed")).toBe("true");

    await body.focus();
    await page.keyboard.type("jjk");
    expect(await body.inputValue()).toContain("jjk");
    // Nothing moved: no message got the keyboard selection, the text box kept the focus.
    expect(await page.locator("[data-shortcut-selected]").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("TEXTAREA");
  });

  it("? opens the help dialog listing the shortcuts; Escape closes it", async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    expect(await dialog.getAttribute("aria-modal")).toBe("true");
    const text = (await dialog.textContent()) ?? "";
    for (const action of [
      "Search",
      "Next conversation",
      "Previous conversation",
      "Open the selected conversation",
      "Reply to the last message",
      "Add an internal note",
      "Assign",
      "Close the conversation",
      "Snooze",
    ]) {
      expect(text).toContain(action);
    }
    // Focus moved into the dialog; shortcuts are off while it is open.
    expect(await page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    // The shell's "Keyboard shortcuts" button opens it too.
    await page.getByRole("button", { name: /^Keyboard shortcuts/ }).click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
  });
});
