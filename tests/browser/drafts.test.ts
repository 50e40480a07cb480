// Drafts in Chromium (issue 15, item 4): a reply is saved to the server as
// its writer types, never more than one request per 2 s; leaving the page by
// a link asks first, and the inbox row then says "Draft"; coming back, and
// after a reload (which asks too), the reply is there as it was written, in
// rich text too. Another member sees none of it. Sending deletes the draft.
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { DRAFT_SAVE_INTERVAL_MS } from "../../server/drafts/draft-timing.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "drafts e2e password 1" };
const BOB = { email: "bob@example.com", password: "drafts e2e password 2", name: "Bob Example" };
const SUBJECT = "The kettle whistles too early";
const TYPED = "Thank you for writing. We will send you a new whistle tomorrow morning.";

let yubin: YubinProcess;
let browser: Browser;
let page: Page;
let bobPage: Page;
let conversationId = 0;

beforeAll(async () => {
  const started = await startMailApp({ admin: ADMIN });
  yubin = started.yubin;
  await deliverToYubin(started.smtpPort, {
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "It whistles before the water boils.",
    messageId: "<kettle-draft@customer.example>",
  });
  const message = await waitFor("the customer's mail", () =>
    db().message.findFirst({ where: { messageIdHeader: "kettle-draft@customer.example" } }),
  );
  conversationId = message.conversationId as number;
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const bob = await createUser({ ...BOB, actorId: null });
  await db().membership.create({ data: { mailboxId: support.id, userId: bob.user.id } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  bobPage = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await Promise.all([signIn(page, yubin.baseUrl, ADMIN), signIn(bobPage, yubin.baseUrl, BOB)]);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

const row = (p: Page) => p.getByRole("link", { name: new RegExp(SUBJECT) });
const composer = (p: Page) => p.getByRole("form", { name: "Reply" });

describe("drafts", () => {
  it("saves as one types, at most once per 2 s, and asks before a link leaves the page", async () => {
    await row(page).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    await page.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const body = composer(page).getByLabel("Message", { exact: true });
    await expect.poll(() => body.evaluate((t: HTMLTextAreaElement) => document.activeElement === t)).toBe(true);
    const saves: number[] = [];
    const watch = (request: Request) => {
      if (request.url().endsWith("/api/trpc/drafts.save")) saves.push(Date.now());
    };
    page.on("request", watch);
    // About five seconds of steady typing.
    await body.pressSequentially(TYPED, { delay: 70 });
    await composer(page).getByTestId("draft-saved").waitFor({ timeout: 10_000 });
    page.off("request", watch);
    expect(saves.length).toBeGreaterThanOrEqual(2);
    const gaps = saves.slice(1).map((at, i) => at - (saves[i] as number));
    // The browser spaces them DRAFT_SAVE_INTERVAL_MS apart; the test sees them with a little jitter.
    for (const gap of gaps) expect(gap).toBeGreaterThan(DRAFT_SAVE_INTERVAL_MS - 150);
    const stored = await db().draft.findFirstOrThrow({ where: { conversationId } });
    expect(stored.text.startsWith(TYPED)).toBe(true);
    expect(stored.text).toContain("Hanako Sato <hanako@customer.example> wrote:");

    // A link out of the page asks first: "stay" keeps the composer, "leave" goes.
    const breadcrumb = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link");
    const asked: string[] = [];
    page.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await breadcrumb.click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toBe("Your reply is not sent. Leave this page? It stays saved as a draft.");
    expect(page.url()).toMatch(/\/conversations\/\d+$/);
    expect(await composer(page).count()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await breadcrumb.click();
    await page.waitForURL(/\/inbox/);
    await row(page).getByTestId("draft").filter({ hasText: "Draft" }).waitFor();
    // Bob has no draft here, and sees none.
    await bobPage.goto(`${yubin.baseUrl}/inbox`);
    await row(bobPage).waitFor();
    expect(await row(bobPage).getByTestId("draft").count()).toBe(0);
  });

  it("restores the reply on return and after a reload (which asks first); nobody else sees it", async () => {
    await row(page).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    const body = composer(page).getByLabel("Message", { exact: true });
    await body.waitFor();
    expect((await body.inputValue()).startsWith(TYPED)).toBe(true);
    // The caret starts above the text again; what is typed now is saved too.
    await expect.poll(() => body.evaluate((t: HTMLTextAreaElement) => document.activeElement === t)).toBe(true);
    await body.pressSequentially("Hello. ");
    await composer(page).getByTestId("draft-saved").waitFor({ timeout: 10_000 });

    const asked: string[] = [];
    page.once("dialog", (dialog) => {
      asked.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    expect(asked).toEqual(["beforeunload"]);
    await body.waitFor();
    expect((await body.inputValue()).startsWith(`Hello. ${TYPED}`)).toBe(true);

    await bobPage.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    await bobPage.getByTestId("message").first().waitFor();
    expect(await composer(bobPage).count()).toBe(0);
  });

  it("restores rich text as rich text", async () => {
    await composer(page).getByRole("button", { name: "Rich text" }).click();
    const editor = composer(page).getByRole("textbox", { name: "Message" });
    await editor.click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.type("Dear ");
    await page.keyboard.down("Shift");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.up("Shift");
    await composer(page).getByRole("button", { name: "Bold" }).click();
    await waitFor("the rich draft", async () => {
      const draft = await db().draft.findFirst({ where: { conversationId } });
      return draft?.html?.includes("<b>Dear") ? draft : null;
    });
    page.once("dialog", (dialog) => void dialog.accept());
    await page.reload();
    const restored = composer(page).getByRole("textbox", { name: "Message" });
    await restored.waitFor();
    expect(await composer(page).getByRole("button", { name: "Rich text" }).getAttribute("aria-pressed")).toBe("true");
    expect(await restored.locator("b").first().textContent()).toMatch(/^Dear ?$/);
    expect(await restored.textContent()).toContain(`Hello. ${TYPED}`);
  });

  it("deletes the draft when the reply is sent", async () => {
    await composer(page).getByRole("button", { name: "Send", exact: true }).click();
    await composer(page).waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("message").count(), { timeout: 10_000 }).toBe(2);
    expect(await db().draft.count()).toBe(0);
    // Nothing left to ask about: the link leaves at once, and the row has no "Draft".
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").click();
    await page.waitForURL(/\/inbox/);
    await row(page).waitFor();
    expect(await row(page).getByTestId("draft").count()).toBe(0);
    await page.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    await page.getByTestId("message").first().waitFor();
    expect(await composer(page).count()).toBe(0);
  });
});
