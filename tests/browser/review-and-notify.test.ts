// Notifications and review in Chromium, end to end: an agent's bell counts an
// assignment as it happens (live, no reload), the browser notification pops
// up (the Notification API, stubbed so a headless browser can show it to the
// test), and the notice leads to the conversation; a reviewer sees a held
// reply's attachments by name in the approval queue, previews the image and
// downloads the PDF through the held-reply attachment route.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation, authorizeMessage } from "../../server/access/gate.ts";
import { setApprovalSwitches } from "../../server/approval/approval-members.ts";
import { sendOrHoldReply } from "../../server/compose/submit-reply.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { assignConversation } from "../../server/workflow/assign.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const A = { email: "admin@example.com", password: "review e2e password A" };
const B = { email: "bob@example.com", password: "review e2e password B", name: "Bob Builder" };
const SUBJECT = "The lid of my teapot is cracked";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n% replacement order\n");

let yubin: YubinProcess;
let browser: Browser;
let pageA: Page;
let pageB: Page;
const ids = { admin: 0, bob: 0, support: 0, conversation: 0, message: 0 };

/** Records each browser notification the page shows (headless Chromium shows none of its own). */
const STUB_NOTIFICATION = () => {
  const shown: { title: string; body: string }[] = [];
  (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
  class RecordedNotification {
    static permission = "granted";
    static requestPermission = async () => "granted";
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string }) {
      shown.push({ title, body: options?.body ?? "" });
    }
    close() {}
  }
  (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
};

beforeAll(async () => {
  const started = await startMailApp({ admin: A, roles: "web" });
  yubin = started.yubin;
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const admin = await db().user.findUniqueOrThrow({ where: { email: A.email } });
  const bob = (await createUser({ email: B.email, name: B.name, password: B.password, actorId: admin.id })).user;
  await db().membership.create({ data: { mailboxId: support.id, userId: bob.id } });
  Object.assign(ids, { admin: admin.id, bob: bob.id, support: support.id });
  await setApprovalSwitches({ mailboxId: support.id, userId: bob.id, needsApproval: true, actorId: admin.id });
  await setApprovalSwitches({ mailboxId: support.id, userId: admin.id, reviewer: true, actorId: admin.id });
  const mail = await deliver(support.id, {
    from: "Hanako Sato <hanako@customer.example>",
    subject: SUBJECT,
    text: "The lid arrived cracked.",
  });
  ids.conversation = mail.conversationId;
  ids.message = mail.storedMessageId;

  browser = await launchBrowser();
  const options = { viewport: { width: 1440, height: 1000 }, acceptDownloads: true };
  pageA = await (await browser.newContext(options)).newPage();
  const contextB = await browser.newContext(options);
  await contextB.addInitScript(STUB_NOTIFICATION);
  pageB = await contextB.newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("notifications and review", () => {
  it("shows B's bell an assignment as it happens, pops a browser notification, and leads to the conversation", async () => {
    // A notice from before the page loaded counts on the bell but never pops up.
    const earlier = await deliver(ids.support, { from: "ken@customer.example", subject: "Earlier", text: "Hi" });
    const before = await authorizeConversation({ userId: ids.admin, conversationId: earlier.conversationId });
    if (!before) throw new Error("admin cannot open the earlier conversation");
    await assignConversation({ actorId: ids.admin, conversation: before, assigneeId: ids.bob });

    await signIn(pageB, yubin.baseUrl, B);
    const bell = pageB.getByTestId("notification-bell");
    await expect.poll(() => bell.getAttribute("aria-label"), { timeout: 10_000 }).toBe("Notifications, 1 unread");
    // The live stream is up before the event, so the change arrives without a reload.
    await pageB.locator("html[data-live='connected']").waitFor({ state: "attached" });

    const conversation = await authorizeConversation({ userId: ids.admin, conversationId: ids.conversation });
    if (!conversation) throw new Error("admin cannot open the conversation");
    await assignConversation({ actorId: ids.admin, conversation, assigneeId: ids.bob });

    await expect.poll(() => bell.getAttribute("aria-label"), { timeout: 10_000 }).toBe("Notifications, 2 unread");
    await expect
      .poll(
        () =>
          pageB.evaluate(() => (window as unknown as { shownNotifications: { body: string }[] }).shownNotifications),
        { timeout: 10_000 },
      )
      .toEqual([{ title: "Notifications", body: expect.stringMatching(`assigned ${SUBJECT} to you$`) }]);

    await bell.click();
    await pageB.waitForURL(/\/notifications$/);
    await pageB.getByRole("button", { name: new RegExp(`assigned ${SUBJECT} to you`) }).click();
    await pageB.waitForURL((url) => url.pathname === `/conversations/${ids.conversation}`);
    await pageB.reload();
    await expect
      .poll(() => pageB.getByTestId("notification-bell").getAttribute("aria-label"), { timeout: 10_000 })
      .toBe("Notifications, 1 unread");
    // A sign-in, a live stream and four page loads: 60 s on a loaded machine (30 s ran out at load 11).
  }, 60_000);

  it("lets the reviewer see a held reply's attachments by name, preview the image and download the PDF", async () => {
    const message = await authorizeMessage({ userId: ids.bob, messageId: ids.message });
    if (!message) throw new Error("Bob cannot read the message");
    const outcome = await sendOrHoldReply({
      actorId: ids.bob,
      message,
      composition: {
        messageId: ids.message,
        mode: "reply",
        to: "hanako@customer.example",
        subject: `Re: ${SUBJECT}`,
        text: "A new lid is on its way; the order is attached.",
        attachments: [
          { filename: "replacement-order.pdf", contentType: "application/pdf", base64: PDF.toString("base64") },
          { filename: "lid.png", contentType: "image/png", base64: PNG.toString("base64") },
        ],
        forwardAttachments: [],
      },
      hostname: "127.0.0.1",
    });
    expect(outcome.state).toBe("held");

    await signIn(pageA, yubin.baseUrl, A);
    await pageA.goto(`${yubin.baseUrl}/approvals`);
    const held = pageA.getByRole("article", { name: /Bob Builder/ });
    const attachments = held.getByRole("region", { name: "Attachments of this reply" });
    const pdfLink = attachments.getByRole("link", { name: /replacement-order\.pdf/ });
    await pdfLink.waitFor();
    expect(await pdfLink.textContent()).toContain(`application/pdf · ${PDF.length} B`);

    // The image's thumbnail loaded (the server proved it a PNG), and opens in the viewer.
    const thumbnail = attachments.getByTestId("attachment-thumbnail");
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBe(1);
    await attachments.getByRole("button", { name: "Preview lid.png" }).click();
    const viewer = pageA.getByRole("dialog", { name: "Preview of lid.png" });
    await viewer.getByRole("img", { name: "lid.png" }).waitFor();
    await viewer.getByRole("button", { name: "Close preview" }).click();
    await viewer.waitFor({ state: "hidden" });

    // The PDF is marked as one but never rendered in the page (attachment-list.tsx says why).
    await attachments.getByTestId("attachment-pdf").waitFor();
    expect(await attachments.getByRole("button", { name: "Preview replacement-order.pdf" }).count()).toBe(0);
    expect(await pageA.locator("iframe, embed, object").count()).toBe(0);

    const [download] = await Promise.all([pageA.waitForEvent("download"), pdfLink.click()]);
    expect(download.suggestedFilename()).toBe("replacement-order.pdf");
    const path = await download.path();
    expect((await readFile(path)).equals(PDF)).toBe(true);
  });
});
