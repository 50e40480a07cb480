// Presence in the browser, end to end, across two web processes on one
// database: agent A (on process 1) has the inbox and the conversation open in
// two tabs; agent B (on process 2) opens the conversation, and A's inbox row
// and A's copy of the conversation show "Bob Example is viewing" without a
// reload; B types a reply and A sees "typing", for as long as B's composer
// holds the text (a pause does not end it); B discards, leaves, and
// finally closes the tab, and it goes away for A each time. Nobody sees
// themselves, and presence never makes A's pages refetch.
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { useTestDatabase } from "../support/database.ts";
import { waitFor } from "../support/wait.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const A = { email: "admin@example.com", password: "presence e2e password A" };
const B = { email: "bob@example.com", password: "presence e2e password B", name: "Bob Example" };
const SUBJECT = "The umbrella stand wobbles";

let one: YubinProcess;
let two: YubinProcess;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let conversationId = 0;
let adminName = "";

beforeAll(async () => {
  const env = {
    DATABASE_URL: await useTestDatabase(),
    YUBIN_SESSION_SECRET: "presence-e2e-secret-0123456789abcdef0123",
    YUBIN_ADMIN_EMAIL: A.email,
    YUBIN_ADMIN_PASSWORD: A.password,
  };
  one = await startYubinProcess({ roles: "web", env });
  two = await startYubinProcess({ roles: "web", env });
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const admin = await db().user.findUniqueOrThrow({ where: { email: A.email } });
  adminName = admin.name;
  const bob = (await createUser({ email: B.email, name: B.name, password: B.password, actorId: admin.id })).user;
  await db().membership.create({ data: { mailboxId: support.id, userId: bob.id } });
  const raw = await new MailComposer({
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    text: "It wobbles when it rains.",
    messageId: "<umbrella-1@customer.example>",
  })
    .compile()
    .build();
  const [stored] = await storeMessage({ raw, mailboxIds: [support.id], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("not stored");
  conversationId = stored.conversationId;

  browser = await launchBrowser();
  const options = { viewport: { width: 1440, height: 1000 } };
  contextA = await browser.newContext(options);
  contextB = await browser.newContext(options);
  // B's clock runs as usual until the test moves it on (a pause in typing, without waiting for it).
  await contextB.clock.install();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await one?.stop();
  await two?.stop();
  await disconnectDb();
});

const connected = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.live === "connected");

/** How long until `locator` appears, for the log (the assertion is only that it does). */
async function timed(what: string, started: number, wait: Promise<unknown>) {
  await wait;
  console.log(`presence e2e: ${what} after ${Date.now() - started} ms`);
}

describe("presence", () => {
  it("shows A who else is viewing or typing, live, in the inbox row and the conversation", async () => {
    const inboxA = await contextA.newPage();
    await signIn(inboxA, one.baseUrl, A);
    // A page refetch (router.refresh) is an RSC request that is not a prefetch: presence must cause none.
    const refetches: string[] = [];
    const watch = (request: Request) => {
      const headers = request.headers();
      if (headers.rsc === "1" && !headers["next-router-prefetch"]) refetches.push(request.url());
    };
    inboxA.on("request", watch);
    const conversationA = await contextA.newPage();
    conversationA.on("request", watch);
    await conversationA.goto(`${one.baseUrl}/conversations/${conversationId}`);
    await Promise.all([connected(inboxA), connected(conversationA)]);
    // Opening the conversation reads it (\Seen), a real change that refreshes both of A's pages once;
    // wait for those refreshes, then count only what presence causes.
    await waitFor("A's open to mark the conversation read", async () => {
      const unread = await db().folderMessage.count({
        where: { message: { conversationId }, NOT: { flags: { has: "\\Seen" } } },
      });
      return unread === 0;
    });
    // Each page refreshes once for it if its stream was connected before the read was recorded (a page
    // that connected later rendered it already): wait for both, or for 3 s without one, then count.
    let seen = -1;
    let quietSince = Date.now();
    await waitFor(
      "A's pages to settle after the read",
      () => {
        if (refetches.length !== seen) [seen, quietSince] = [refetches.length, Date.now()];
        return refetches.length >= 2 || Date.now() - quietSince >= 3_000;
      },
      15_000,
    );
    refetches.length = 0;

    const pageB = await contextB.newPage();
    await signIn(pageB, two.baseUrl, B);
    await connected(pageB);
    const rowA = inboxA.getByRole("link", { name: new RegExp(SUBJECT) });
    const barA = conversationA.getByRole("status", { name: "Who else is here" });
    const viewing = `${B.name} is viewing`;

    // B opens the conversation on process 2: A sees it on process 1.
    let started = Date.now();
    await pageB.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    await pageB.waitForURL(/\/conversations\/\d+$/);
    await Promise.all([
      timed(
        "A's inbox row shows B viewing",
        started,
        rowA.getByRole("img", { name: viewing }).waitFor({ timeout: 5000 }),
      ),
      timed("A's conversation shows B viewing", started, barA.getByText(viewing).waitFor({ timeout: 5000 })),
    ]);
    // The row's avatar carries B's initials; nobody sees themselves: A's bar names only B, B's names only A.
    expect(await rowA.getByRole("img", { name: viewing }).textContent()).toBe("BE");
    expect(await barA.textContent()).not.toContain(adminName);
    const barB = pageB.getByRole("status", { name: "Who else is here" });
    await barB.getByText(`${adminName} is viewing`).waitFor({ timeout: 5000 });
    expect(await barB.textContent()).not.toContain(B.name);
    expect(await rowA.getByTestId("presence").getByRole("img").count()).toBe(1);

    // B types a reply: A sees "typing" in the conversation and in the row.
    await pageB.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const composerB = pageB.getByRole("form", { name: "Reply" });
    await composerB.waitFor();
    started = Date.now();
    await composerB.getByLabel("Message", { exact: true }).pressSequentially("The stand ");
    await Promise.all([
      timed("A sees B typing", started, barA.getByText(`${B.name} is typing a reply`).waitFor({ timeout: 5000 })),
      rowA.getByRole("img", { name: `${B.name} is typing` }).waitFor({ timeout: 5000 }),
    ]);

    // A starts a reply too: B's composer warns that A is also replying.
    await conversationA.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const composerA = conversationA.getByRole("form", { name: "Reply" });
    await composerA.getByLabel("Message", { exact: true }).pressSequentially("Hello");
    await composerB.getByText(`${adminName} is also typing a reply.`).waitFor({ timeout: 5000 });
    await composerA.getByRole("button", { name: "Discard" }).click();
    await composerB.getByTestId("reply-collision").waitFor({ state: "detached", timeout: 5000 });

    // B discards the draft: back to viewing at once.
    await composerB.getByRole("button", { name: "Discard" }).click();
    await barA.getByText(viewing).waitFor({ timeout: 5000 });
    expect(await barA.getByText(`${B.name} is typing a reply`).count()).toBe(0);

    // B starts again and pauses with "Hm" in the composer: still replying, not "viewing", for as long
    // as the text is there. B's clock jumps 16 s (every timer of the pause fires: a typing timeout
    // would, and the heartbeat does); the heartbeat's report says "replying" and A still sees it.
    // Deleting the text B added makes it "viewing" again.
    await pageB.getByTestId("message").first().getByRole("button", { name: "Reply", exact: true }).click();
    const bodyB = composerB.getByLabel("Message", { exact: true });
    await bodyB.pressSequentially("Hm");
    await barA.getByText(`${B.name} is typing a reply`).waitFor({ timeout: 5000 });
    const [heartbeat] = await Promise.all([
      pageB.waitForRequest((r) => r.url().endsWith("/api/trpc/presence.report"), { timeout: 5000 }),
      pageB.clock.fastForward(16_000),
    ]);
    expect(heartbeat.postDataJSON()).toMatchObject({ conversationId, state: "replying" });
    expect(await barA.getByText(`${B.name} is typing a reply`).count()).toBe(1);
    expect(await barA.getByText(viewing).count()).toBe(0);
    await bodyB.press("Backspace");
    await bodyB.press("Backspace");
    await barA.getByText(viewing).waitFor({ timeout: 5000 });
    // Typing again and discarding closes it the same way (the composer is gone).
    await bodyB.pressSequentially("Hm");
    await barA.getByText(`${B.name} is typing a reply`).waitFor({ timeout: 5000 });
    await composerB.getByRole("button", { name: "Discard" }).click();
    await barA.getByText(viewing).waitFor({ timeout: 5000 });

    // B goes back to the mailbox by its link (a client-side navigation, the page stays): gone for A, in both tabs.
    started = Date.now();
    await pageB.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").click();
    await pageB.waitForURL(/\/inbox/);
    await Promise.all([
      timed("B's leaving reaches A", started, barA.getByText(viewing).waitFor({ state: "detached", timeout: 5000 })),
      rowA.getByTestId("presence").waitFor({ state: "detached", timeout: 5000 }),
    ]);

    // B opens the conversation by its URL (a full page load), then closes the tab: gone for A too.
    await pageB.goto(`${two.baseUrl}/conversations/${conversationId}`);
    await rowA.getByRole("img", { name: viewing }).waitFor({ timeout: 5000 });
    started = Date.now();
    await pageB.close();
    await Promise.all([
      timed(
        "B's closed tab disappears for A",
        started,
        barA.getByText(viewing).waitFor({ state: "detached", timeout: 10_000 }),
      ),
      rowA.getByTestId("presence").waitFor({ state: "detached", timeout: 10_000 }),
    ]);
    expect(
      await db().presence.count({
        where: { userId: { not: (await db().user.findUniqueOrThrow({ where: { email: A.email } })).id } },
      }),
    ).toBe(0);

    expect(refetches).toEqual([]);
    // The watch does see a real refresh: adding a note refreshes the page (and, live, the inbox).
    await conversationA.getByRole("button", { name: "Note", exact: true }).click();
    const noteA = conversationA.getByRole("form", { name: "Internal note" });
    await noteA.getByRole("combobox").pressSequentially("Checked the stand.");
    // Typing in the note editor reports "noting" for A's tab (nobody is left to see it; the row says so).
    await expect
      .poll(() => db().presence.count({ where: { conversationId, state: "noting" } }), { timeout: 5000 })
      .toBe(1);
    await noteA.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => refetches.length, { timeout: 5000 }).toBeGreaterThan(0);
    // One scenario across two processes with a real idle period (a closed tab times out): about
    // 20 s on a quiet machine, so more than the default 30 s budget on a loaded one.
  }, 60_000);
});
