// Live updates and the stale-send guard in the browser, end to end, with two
// signed-in agents in two browser contexts: mail delivered by SMTP appears in
// both inboxes without a reload; a customer reply that arrives while B is
// composing shows up, and B's send is held until B confirms.
import type { SendMailOptions } from "nodemailer";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const A = { email: "admin@example.com", password: "live e2e password A" };
const B = { email: "bob@example.com", password: "live e2e password B", name: "Bob Builder" };
const SUBJECT = "My kettle whistles off-key";

/** How long a live change may take to reach a page before the test gives up. */
const LIVE_MS = 15_000;

let yubin: YubinProcess;
let browser: Browser;
let pageA: Page;
let pageB: Page;
let smtpPort = 0;

const customerSends = (mail: SendMailOptions) =>
  deliverToYubin(smtpPort, { from: "Hanako Sato <hanako@customer.example>", to: "support@example.com", ...mail });

beforeAll(async () => {
  ({ yubin, smtpPort } = await startMailApp({ admin: A }));
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const admin = await db().user.findUniqueOrThrow({ where: { email: A.email } });
  const bob = (await createUser({ email: B.email, name: B.name, password: B.password, actorId: admin.id })).user;
  await db().membership.create({ data: { mailboxId: support.id, userId: bob.id } });
  browser = await launchBrowser();
  const options = { viewport: { width: 1440, height: 1000 } };
  pageA = await (await browser.newContext(options)).newPage();
  pageB = await (await browser.newContext(options)).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

const connected = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.live === "connected");

describe("live updates", () => {
  // One story in two steps (each with its own time budget), sharing the two signed-in pages.
  it("shows new mail in both inboxes without a reload", async () => {
    await signIn(pageA, yubin.baseUrl, A);
    await signIn(pageB, yubin.baseUrl, B);
    await Promise.all([connected(pageA), connected(pageB)]);

    await customerSends({
      subject: SUBJECT,
      text: "It whistles in F sharp.",
      messageId: "<kettle-1@customer.example>",
    });
    const rowA = pageA.getByRole("link", { name: new RegExp(SUBJECT) });
    const rowB = pageB.getByRole("link", { name: new RegExp(SUBJECT) });
    // Live, not timed: on a quiet machine the rows appear within about a second (bench:web measures it);
    // a loaded CI machine may take several.
    await Promise.all([rowA.waitFor({ timeout: LIVE_MS }), rowB.waitFor({ timeout: LIVE_MS })]);
  });

  it("keeps B's draft while the customer writes again, and holds B's stale send for review", async () => {
    const rowA = pageA.getByRole("link", { name: new RegExp(SUBJECT) });
    const rowB = pageB.getByRole("link", { name: new RegExp(SUBJECT) });
    // B starts a reply; meanwhile the customer writes again.
    await rowB.click();
    await pageB.waitForURL(/\/conversations\/\d+$/);
    await connected(pageB);
    await pageB.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const composer = pageB.getByRole("form", { name: "Reply" });
    await composer.waitFor();
    await composer.getByLabel("Message", { exact: true }).pressSequentially("We will look into it. ");
    const before = await db().outboundMessage.count();

    await customerSends({
      subject: `Re: ${SUBJECT}`,
      text: "Never mind, it was the neighbour's kettle.",
      messageId: "<kettle-2@customer.example>",
      inReplyTo: "<kettle-1@customer.example>",
      references: "<kettle-1@customer.example>",
    });
    // The new message appears in B's open conversation without a reload; the draft stays.
    await expect.poll(() => pageB.getByTestId("message").count(), { timeout: LIVE_MS }).toBe(2);
    expect(await composer.getByLabel("Message", { exact: true }).inputValue()).toMatch(/^We will look into it\. /);

    await composer.getByRole("button", { name: "Send", exact: true }).click();
    await composer.getByText("New activity since you started — review and send").waitFor();
    expect(await db().outboundMessage.count()).toBe(before);

    // Having reviewed it, B sends anyway: exactly one reply leaves.
    await composer.getByRole("button", { name: "Send anyway" }).click();
    await composer.waitFor({ state: "detached" });
    expect(await db().outboundMessage.count()).toBe(before + 1);
    await expect.poll(() => pageB.getByTestId("message").count(), { timeout: LIVE_MS }).toBe(3);
    // A, still on the inbox, sees the row change too (its snippet follows the newest mail).
    await expect.poll(() => rowA.textContent(), { timeout: LIVE_MS }).toMatch(/neighbour|look into it/);
  });
});
