// The reply workflow in Chromium (issue 15, item 5): "Send and close" and
// "Send and set pending"; the sent message names the agent who wrote it
// ("Bob Example via Support"); sending, closing and assigning show in the
// conversation's History; the composer writes in a proportional font; and
// with "go to the next conversation" on (Settings; off by default) a send or
// a close opens the next conversation of the list.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "workflow e2e password 1" };
const BOB = { email: "bob@example.com", password: "workflow e2e password 2", name: "Bob Example" };

let yubin: YubinProcess;
let smtpPort = 0;
let browser: Browser;
let page: Page;
let bobId = 0;
const ids: Record<string, number> = {};

async function deliverAll(subjects: string[]): Promise<void> {
  for (const subject of subjects) {
    const messageId = `${subject.replaceAll(/\W+/g, "-")}@customer.example`;
    await deliverToYubin(smtpPort, {
      from: "Hanako Sato <hanako@customer.example>",
      to: "support@example.com",
      subject,
      text: `About ${subject}.`,
      messageId: `<${messageId}>`,
    });
    const stored = await waitFor(subject, () => db().message.findFirst({ where: { messageIdHeader: messageId } }));
    ids[subject] = stored.conversationId as number;
  }
}

beforeAll(async () => {
  const started = await startMailApp({ admin: ADMIN });
  yubin = started.yubin;
  smtpPort = started.smtpPort;
  await deliverAll(["Lid one", "Lid two"]);
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  bobId = (await createUser({ ...BOB, actorId: null })).user.id;
  await db().membership.create({ data: { mailboxId: support.id, userId: bobId } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await signIn(page, yubin.baseUrl, BOB);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

async function reply(text: string, button: string): Promise<void> {
  await page.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
  const composer = page.getByRole("form", { name: "Reply" });
  await composer.getByLabel("Message", { exact: true }).pressSequentially(text);
  await composer.getByRole("button", { name: button, exact: true }).click();
  await composer.waitFor({ state: "detached" });
}

const history = () => page.getByRole("list", { name: "History" });

async function openHistory(): Promise<void> {
  const summary = page.locator("summary").filter({ hasText: "History" });
  if ((await summary.locator("xpath=..").getAttribute("open")) === null) await summary.click();
}

describe("the reply workflow", () => {
  it("sends and closes; the message names its writer; History has the send, the close and the assignment", async () => {
    await page.goto(`${yubin.baseUrl}/conversations/${ids["Lid one"]}`);
    // The composer writes in the page's proportional font, not a monospace one.
    await page.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const body = page.getByRole("form", { name: "Reply" }).getByLabel("Message", { exact: true });
    const fonts = await body.evaluate((el) => [
      getComputedStyle(el).fontFamily,
      getComputedStyle(document.body).fontFamily,
    ]);
    expect(fonts[0]).not.toMatch(/mono|courier|consolas/i);
    expect(fonts[0]).toBe(fonts[1]);
    await page.getByRole("form", { name: "Reply" }).getByRole("button", { name: "Discard" }).click();

    await page.getByRole("button", { name: "Assign to me" }).click();
    await page.getByRole("button", { name: "Assign to me" }).waitFor({ state: "detached" });
    await reply("A new lid is on its way.", "Send and close");
    // Stayed here (the setting is off), closed.
    expect(page.url()).toMatch(new RegExp(`/conversations/${ids["Lid one"]}$`));
    await expect.poll(() => page.getByLabel("Status").inputValue(), { timeout: 10_000 }).toBe("closed");
    const sent = page.getByTestId("message").nth(1);
    await sent.waitFor();
    expect(await sent.getByRole("heading").textContent()).toContain("Bob Example via Support");
    const stored = await db().message.findFirstOrThrow({
      where: { conversationId: ids["Lid one"], direction: "outbound" },
    });
    expect(stored.authorId).toBe(bobId);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: ids["Lid one"] } })).status).toBe("closed");

    await page.reload();
    await openHistory();
    // Each entry is its sentence, then its time.
    const lines = await history().getByRole("listitem").allTextContents();
    expect(lines.some((l) => l.includes("Bob Example assigned it to Bob Example"))).toBe(true);
    expect(lines.some((l) => l.includes("Bob Example sent a reply"))).toBe(true);
    expect(lines.some((l) => l.includes("Bob Example changed the status from Open to Closed"))).toBe(true);
    // In that order: assigned, sent, closed.
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at("assigned it to")).toBeLessThan(at("sent a reply"));
    expect(at("sent a reply")).toBeLessThan(at("changed the status"));
  });

  it("sends and sets pending", async () => {
    await page.goto(`${yubin.baseUrl}/conversations/${ids["Lid two"]}`);
    await reply("Could you send a photo of the lid?", "Send and set pending");
    await expect.poll(() => page.getByLabel("Status").inputValue(), { timeout: 10_000 }).toBe("pending");
    expect((await db().conversation.findUniqueOrThrow({ where: { id: ids["Lid two"] } })).status).toBe("pending");
  });

  it("goes to the next conversation of the list after a send and after a close, once Settings says so", async () => {
    await deliverAll(["Spout one", "Spout two", "Spout three"]);
    await page.goto(`${yubin.baseUrl}/settings`);
    const toggle = page.getByRole("checkbox", {
      name: "After sending a reply or closing a conversation, go to the next conversation",
    });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await expect.poll(async () => (await db().user.findUniqueOrThrow({ where: { id: bobId } })).goToNext).toBe(true);

    // The open conversations, newest first: Spout three, Spout two, Spout one.
    await page.goto(`${yubin.baseUrl}/inbox`);
    const list = page.getByRole("list", { name: "Conversations" });
    await list.getByRole("link", { name: /Spout three/ }).click();
    await page.waitForURL(new RegExp(`/conversations/${ids["Spout three"]}$`));
    await reply("Answered.", "Send");
    await page.waitForURL(new RegExp(`/conversations/${ids["Spout two"]}$`));
    await page.getByTestId("message").first().waitFor();
    // Closing from the status menu goes on too.
    await page.getByLabel("Status").selectOption("closed");
    await page.waitForURL(new RegExp(`/conversations/${ids["Spout one"]}$`));
    expect((await db().conversation.findUniqueOrThrow({ where: { id: ids["Spout two"] } })).status).toBe("closed");
    // The last of the list goes back to the list.
    await page.getByTestId("message").first().waitFor();
    await reply("Answered too.", "Send and close");
    await page.waitForURL(/\/inbox$/);
  });

  it("stays in the reading pane: the next conversation opens beside the list, not as its own page", async () => {
    await deliverAll(["Kettle one", "Kettle two", "Kettle three"]);
    await db().user.update({ where: { id: bobId }, data: { readingPane: true } });
    const inPane = (subject: string) => new RegExp(`/inbox\\?(.*&)?open=${ids[subject]}(&|$)`);
    const pane = page.getByTestId("reading-pane");
    await page.goto(`${yubin.baseUrl}/inbox`);
    const list = page.getByRole("list", { name: "Conversations" });
    await list.getByRole("link", { name: /Kettle three/ }).click();
    await page.waitForURL(inPane("Kettle three"));
    await pane.getByRole("heading", { name: "Kettle three", level: 1 }).waitFor();
    await reply("Answered in the pane.", "Send");
    await page.waitForURL(inPane("Kettle two"));
    await pane.getByRole("heading", { name: "Kettle two", level: 1 }).waitFor();
    // The list is still beside it.
    await list
      .getByRole("link", { name: /Kettle one/ })
      .first()
      .waitFor();
    // Closing from the status menu stays in the pane too.
    await pane.getByLabel("Status").selectOption("closed");
    await page.waitForURL(inPane("Kettle one"));
    await pane.getByRole("heading", { name: "Kettle one", level: 1 }).waitFor();
    expect((await db().conversation.findUniqueOrThrow({ where: { id: ids["Kettle two"] } })).status).toBe("closed");
    await reply("Answered and pending.", "Send and set pending");
    // Below Kettle one in the list: Spout three (answered, still open), in the pane.
    await page.waitForURL(inPane("Spout three"));
    await pane.getByRole("heading", { name: "Spout three", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/inbox");
    expect((await db().conversation.findUniqueOrThrow({ where: { id: ids["Kettle one"] } })).status).toBe("pending");
    await db().user.update({ where: { id: bobId }, data: { readingPane: false } });
  });

  it("speaks Japanese", async () => {
    const japanese = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      locale: "ja-JP",
      storageState: await page.context().storageState(),
    });
    const ja = await japanese.newPage();
    await ja.goto(`${yubin.baseUrl}/conversations/${ids["Lid two"]}`);
    await ja.getByTestId("message").first().getByRole("button", { name: "返信", exact: true }).click();
    const composer = ja.getByRole("form", { name: "返信" });
    await composer.getByRole("button", { name: "送信して完了" }).waitFor();
    await composer.getByRole("button", { name: "送信して返信待ちに" }).waitFor();
    expect(await ja.getByTestId("message").nth(1).getByRole("heading").textContent()).toContain(
      "Bob Example（Support として）",
    );
    await japanese.close();
  });
});
