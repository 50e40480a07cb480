// The app's Content-Security-Policy in Chromium: every screen — sign-in,
// inbox, conversations (HTML in its frame, attachments, a cut long text, the
// composer), search, settings, every admin page, approvals, notifications —
// renders and hydrates under the policy with no violation and no console
// error. Violations are collected from the securitypolicyviolation event and
// from the console, where Chromium also reports those of the message frame.
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { sessionCaller } from "../support/trpc-caller.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "csp e2e password 1" };
const TRAINEE = { email: "trainee@example.com", password: "csp e2e password 2" };
const RLO_NAME = "invoice\u202Efdp.exe";

let yubin: YubinProcess;
let browser: Browser;
let page: Page;
const violations: string[] = [];
const consoleErrors: string[] = [];
const conversations: Record<"html" | "attachment" | "long", number> = { html: 0, attachment: 0, long: 0 };

async function storedConversation(messageId: string): Promise<number> {
  const message = await waitFor(`message ${messageId}`, () =>
    db().message.findFirst({ where: { messageIdHeader: messageId }, select: { conversationId: true } }),
  );
  return message.conversationId as number;
}

beforeAll(async () => {
  const started = await startMailApp({ admin: ADMIN });
  yubin = started.yubin;
  const customer = "Hanako Sato <hanako@customer.example>";
  await deliverToYubin(started.smtpPort, {
    from: customer,
    to: "support@example.com",
    subject: "Styled newsletter",
    messageId: "<csp-html@customer.example>",
    text: "Plain version",
    html:
      '<table style="width:100%;background:#eef"><tr><td style="padding:8px;color:#333">' +
      '<h1 style="font-family:Georgia">Autumn offers</h1>' +
      '<p style="background-image:image-set(&quot;https://tracker.example/a.png&quot; 1x)">Dear customer,</p>' +
      '<img src="https://tracker.example/pixel.gif" width="1" height="1">' +
      '<p><a href="https://shop.example/">Visit the shop</a></p></td></tr></table>',
  });
  await deliverToYubin(started.smtpPort, {
    from: customer,
    to: "support@example.com",
    subject: "Invoice attached",
    messageId: "<csp-attachment@customer.example>",
    text: "Please find the invoice attached.",
    attachments: [{ filename: RLO_NAME, content: Buffer.from("MZ not really a program") }],
  });
  await deliverToYubin(started.smtpPort, {
    from: customer,
    to: "support@example.com",
    subject: "A very long log",
    messageId: "<csp-long@customer.example>",
    text: `${"log line with details\n".repeat(6000)}`,
  });
  conversations.html = await storedConversation("csp-html@customer.example");
  conversations.attachment = await storedConversation("csp-attachment@customer.example");
  conversations.long = await storedConversation("csp-long@customer.example");

  // A held reply, so that Approvals has something to show.
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const trainee = await createUser({ ...TRAINEE, name: "Trainee Tanaka", actorId: null });
  await db().membership.create({ data: { mailboxId: support.id, userId: trainee.user.id, needsApproval: true } });
  const secret = "csp test secret 0123456789abcdef";
  process.env.NEXTAUTH_SECRET = secret;
  const original = await db().message.findFirstOrThrow({
    where: { messageIdHeader: "csp-attachment@customer.example" },
  });
  const held = await (await sessionCaller(secret)(trainee.user.id)).conversations.send({
    messageId: original.id,
    mode: "reply",
    to: "hanako@customer.example",
    subject: "Re: Invoice attached",
    text: "Thank you, we will pay it this week.",
  });
  expect(held.held).toBe(true);

  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  // Runs before any page script (and outside the page's CSP), in every frame that runs scripts.
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`;
      (window as unknown as { __cspViolations: string[] }).__cspViolations ??= [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations.push(report);
      console.error(`CSP violation: ${report}`);
    });
  });
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const text = `${page.url()}: ${message.text()}`;
    if (/Content.Security.Policy|CSP violation|Refused to/i.test(message.text())) violations.push(text);
    else consoleErrors.push(text);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: uncaught ${error.message}`));
  // Names what a "Failed to load resource" console error was about (the favicon's request is not reported here).
  page.on("response", (response) => {
    if (response.status() >= 400) consoleErrors.push(`${page.url()}: ${response.status()} for ${response.url()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

/** Opens a screen and waits until Next.js has started on it (its scripts ran under the policy). */
async function visit(path: string): Promise<void> {
  const response = await page.goto(`${yubin.baseUrl}${path}`);
  expect(response?.status(), path).toBe(200);
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy, path).toContain("frame-ancestors 'none'");
  expect(policy, path).not.toContain("unsafe-eval");
  await page.waitForFunction(() => (window as unknown as { next?: { version?: string } }).next?.version !== undefined);
  // Every inline script Next.js rendered carries the request's nonce (chunks it
  // loads later have none: 'strict-dynamic' trusts what a nonced script adds).
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  const scripts = await page.evaluate(() =>
    [...document.querySelectorAll("script:not([src])")].map((s) => (s as HTMLScriptElement).nonce),
  );
  expect(scripts.length, path).toBeGreaterThan(0);
  expect(new Set(scripts), path).toEqual(new Set([nonce]));
}

describe("Content-Security-Policy on every screen", () => {
  it("renders sign-in, then every screen of a signed-in admin, without a violation", async () => {
    await visit("/sign-in");
    await signIn(page, yubin.baseUrl, ADMIN);

    await visit("/inbox");
    await page.getByRole("link", { name: /Styled newsletter/ }).waitFor();

    // An HTML message in its sandboxed frame: the frame may be framed by us and shows the mail.
    await visit(`/conversations/${conversations.html}`);
    const frame = page.frameLocator("iframe");
    await frame.getByRole("heading", { name: "Autumn offers" }).waitFor();
    // The composer (rich text editor, attachments) under the policy.
    await page.getByRole("button", { name: "Reply", exact: true }).first().click();
    await page.getByRole("form", { name: "Reply" }).waitFor();

    await visit(`/conversations/${conversations.attachment}`);
    // The right-to-left override is shown, not obeyed.
    await page.getByText("invoice⟨U+202E⟩fdp.exe").waitFor();
    await page.getByRole("article", { name: "Held reply by Trainee Tanaka" }).waitFor();

    await visit(`/conversations/${conversations.long}`);
    await page.getByRole("link", { name: "Show the rest" }).waitFor();

    await visit("/search?q=invoice");
    await page
      .getByRole("link", { name: /Invoice attached/ })
      .first()
      .waitFor();
    await visit("/settings");
    await visit("/notifications");
    await visit("/approvals");
    await page.getByRole("article", { name: "Held reply by Trainee Tanaka" }).waitFor();
    await visit("/admin/users");
    await page.getByRole("heading", { name: "Sign-in attacks" }).waitFor();
    for (const admin of ["/admin", "/admin/domains", "/admin/mailboxes", "/admin/settings", "/admin/saved-replies"]) {
      await visit(admin);
    }

    // Violations are dispatched as tasks: one more round trip to the page lets any pending one arrive.
    const fromEvents = await page.evaluate(
      () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
    );
    expect([...violations, ...fromEvents]).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  it("blocks an injected inline event handler, and the collector above sees it", async () => {
    await visit("/inbox");
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __injected?: boolean; __cspViolations?: string[] };
      const seen = new Promise((resolve) =>
        document.addEventListener("securitypolicyviolation", resolve, { once: true }),
      );
      // What an HTML injection would try: an inline event handler. (A <script> appended from here
      // would not do: Chromium exempts what DevTools evaluation inserts from the page's CSP.)
      const holder = document.createElement("div");
      holder.innerHTML = '<img src="data:," onerror="window.__injected = true">';
      document.body.append(holder);
      await seen;
      return { injected: w.__injected === true, violations: w.__cspViolations ?? [] };
    });
    expect(ran.injected).toBe(false);
    expect(ran.violations).toEqual([expect.stringMatching(/^script-src(-attr)? blocked inline/)]);
  });

  it("lets only this origin frame a message, and nobody frame a download", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const message = await db().message.findFirstOrThrow({ where: { messageIdHeader: "csp-html@customer.example" } });
    const html = await fetch(`${yubin.baseUrl}/api/messages/${message.id}/html`, { headers: { cookie } });
    expect(html.headers.get("content-security-policy")).toMatch(/frame-ancestors 'self' http:\/\/127\.0\.0\.1:\d+/);
    const source = await fetch(`${yubin.baseUrl}/api/messages/${message.id}/source`, { headers: { cookie } });
    expect(source.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
