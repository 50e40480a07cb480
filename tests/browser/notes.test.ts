// Working together in the browser, end to end: mail arrives at Yubin's MX;
// agent A writes an internal note mentioning agent B (picked from the @
// autocomplete); B sees the bell count and the note, rendered as text; A tags
// the conversation and inserts a saved reply, placeholders filled, into the
// composer, which already carries the mailbox's signature.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createSavedReply } from "../../server/saved-replies/manage-saved-replies.ts";
import { setMailboxSignature } from "../../server/signatures/signatures.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const A = { email: "admin@example.com", password: "notes e2e password A" };
const B = { email: "bob@example.com", password: "notes e2e password B", name: "Bob Builder" };
const SUBJECT = "The lid of my teapot is cracked";
const SCRIPT = "<script>window.pwned = 1</script>";

let yubin: YubinProcess;
let browser: Browser;
let pageA: Page;
let pageB: Page;

beforeAll(async () => {
  const started = await startMailApp({ admin: A });
  yubin = started.yubin;
  // First run made the admin (A) and support@ with A as its member; B joins it.
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const admin = await db().user.findUniqueOrThrow({ where: { email: A.email } });
  const bob = (await createUser({ email: B.email, name: B.name, password: B.password, actorId: admin.id })).user;
  await db().membership.create({ data: { mailboxId: support.id, userId: bob.id } });
  await createSavedReply({
    actor: { id: admin.id, role: "admin" },
    mailboxId: support.id,
    title: "Replacement on its way",
    body: "Dear {{customer.name}},\nwe are sending a replacement today.\n{{agent.name}} for {{mailbox.name}}",
  });
  await setMailboxSignature({ actorId: admin.id, mailboxId: support.id, signature: "Example Support team" });

  await deliverToYubin(started.smtpPort, {
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "Hello,\nthe lid arrived cracked. Can you help?\nHanako",
    messageId: "<lid-1@customer.example>",
  });

  browser = await launchBrowser();
  const options = { viewport: { width: 1440, height: 1000 } };
  pageA = await (await browser.newContext(options)).newPage();
  pageB = await (await browser.newContext(options)).newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("notes, mentions, tags and saved replies", () => {
  // One story in three steps (each with its own time budget), sharing the two signed-in pages.
  let conversationPath = "";

  it("lets A mention B in a note, choosing B from the @ list", async () => {
    await signIn(pageA, yubin.baseUrl, A);
    await signIn(pageB, yubin.baseUrl, B);
    expect(await pageB.getByTestId("notification-bell").getAttribute("aria-label")).toBe("Notifications");

    // A opens the conversation and writes a note, choosing B from the @ list.
    await pageA.getByRole("link", { name: /The lid of my teapot/ }).click();
    await pageA.waitForURL(/\/conversations\/\d+$/);
    conversationPath = new URL(pageA.url()).pathname;
    const panel = pageA.getByTestId("customer-panel");
    expect(await panel.textContent()).toContain("hanako@customer.example");
    await pageA.getByRole("button", { name: "Note", exact: true }).click();
    const noteForm = pageA.getByRole("form", { name: "Internal note" });
    const noteText = noteForm.getByRole("combobox");
    await noteText.pressSequentially("Please call her, @bo");
    await noteForm.getByRole("option", { name: /Bob Builder/ }).click();
    await noteText.pressSequentially(`— she is upset ${SCRIPT}`);
    expect(await noteText.inputValue()).toBe(`Please call her, @Bob Builder — she is upset ${SCRIPT}`);
    await noteForm.getByRole("button", { name: "Add note" }).click();
    const noteA = pageA.getByTestId("note");
    await noteA.waitFor();
    expect(await noteA.textContent()).toContain("Internal note");
  });

  it("shows B the mention: the bell counts it and the notification leads to the note, whose script never ran", async () => {
    await pageB.reload();
    await expect
      .poll(() => pageB.getByTestId("notification-bell").getAttribute("aria-label"))
      .toBe("Notifications, 1 unread");
    await pageB.getByTestId("notification-bell").click();
    await pageB.waitForURL(/\/notifications$/);
    await pageB.getByRole("button", { name: /mentioned you in The lid of my teapot/ }).click();
    await pageB.waitForURL((url) => url.pathname === conversationPath);
    const noteB = pageB.getByTestId("note-body");
    await noteB.waitFor();
    // The note's <script> is text on the page, never an element, and never ran.
    expect(await noteB.textContent()).toBe(`Please call her, @Bob Builder — she is upset ${SCRIPT}`);
    expect(await noteB.locator("script").count()).toBe(0);
    expect(await pageB.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await pageB.reload();
    await expect.poll(() => pageB.getByTestId("notification-bell").getAttribute("aria-label")).toBe("Notifications");
  });

  it("lets A tag the conversation (a chip here and in B's inbox) and insert a saved reply at the cursor", async () => {
    await pageA.getByRole("button", { name: "Tag", exact: true }).click();
    await pageA.getByLabel("Tag name").fill("  Damaged in transit ");
    await pageA.getByRole("button", { name: "Add tag" }).click();
    const tags = pageA.getByRole("list", { name: "Tags" });
    await tags.getByText("Damaged in transit").waitFor();

    // A replies: the signature is there, and the saved reply lands at the cursor with placeholders filled.
    await pageA.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = pageA.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    const body = composer.getByLabel("Message", { exact: true });
    expect(await body.inputValue()).toMatch(/^\n\n-- \nExample Support team\n\nOn .+ wrote:\n> Hello,/);
    await composer.getByLabel("Saved reply").selectOption({ label: "Replacement on its way" });
    await expect
      .poll(() => body.inputValue())
      .toMatch(
        /^Dear Hanako Sato,\nwe are sending a replacement today\.\nAdministrator for Support\n\n-- \nExample Support team\n/,
      );
    await pageA.screenshot({ path: "/tmp/yubin-notes.png", fullPage: true });

    await pageB.goto(`${yubin.baseUrl}/inbox`);
    const row = pageB.getByRole("link", { name: /The lid of my teapot/ });
    expect(await row.textContent()).toContain("Damaged in transit");
  });
});
