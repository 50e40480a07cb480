// A long thread in Chromium: fifteen messages, read, start folded to one line
// each but the latest; one expands on click; quoted history and the signature
// are folded behind "…" in plain text and in HTML; a Date header that would
// run the thread backwards is shown as "sent …"; the folded page is a fraction
// of the expanded one's height. The page carries only the summary line of a
// folded message; its card is fetched when it is expanded.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, shortcutsLive, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "long thread e2e password 1" };
const SUBJECT = "Printer keeps jamming on the second tray";
const FIRST_ID = "jam-1@customer.example";
const start = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (n: number) => new Date(start + n * 3_600_000);
const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");

let yubin: YubinProcess;
let browser: Browser;
let page: Page;
let conversationId = 0;

/** Message n (1-based) of the thread: its own words, then the quoted history and a signature. */
function plain(n: number, date: Date): string[] {
  return [
    `Update ${n}: the printer jammed again, number ${n}.`,
    "",
    `On ${rfc2822(at(n - 1))}, Support <support@example.com> wrote:`,
    `> Quoted history line of message ${n}`,
    "> Please try again.",
    "",
    "-- ",
    `Hanako Sato, signature of message ${n}`,
  ].concat([`(${date.toISOString()})`]);
}

function raw(n: number, date: Date, body: string, contentType = "text/plain; charset=utf-8"): Buffer {
  const lines = [
    "From: Hanako Sato <hanako@customer.example>",
    "To: support@example.com",
    `Subject: ${n === 1 ? SUBJECT : `Re: ${SUBJECT}`}`,
    `Message-ID: <jam-${n}@customer.example>`,
    ...(n === 1 ? [] : [`In-Reply-To: <${FIRST_ID}>`, `References: <${FIRST_ID}>`]),
    `Date: ${rfc2822(date)}`,
    "MIME-Version: 1.0",
    `Content-Type: ${contentType}`,
    "",
    body,
    "",
  ];
  return Buffer.from(lines.join("\r\n"));
}

/** Message 5: its text and a log file attached. */
function withAttachment(n: number, date: Date): Buffer {
  const text = plain(n, date).join("\r\n");
  return raw(
    n,
    date,
    [
      "--jam",
      "Content-Type: text/plain; charset=utf-8",
      "",
      text,
      "--jam",
      'Content-Type: text/plain; name="jam-log.txt"',
      'Content-Disposition: attachment; filename="jam-log.txt"',
      "",
      "tray 2: jam at 09:14",
      "--jam--",
    ].join("\r\n"),
    'multipart/mixed; boundary="jam"',
  );
}

/** Message 6: HTML with a remote image, blocked until the reader asks. */
const REMOTE_HTML =
  '<html><body><div>Update 6 in HTML: a photo of the tray.</div><img src="https://images.example/tray.png" alt="tray"></body></html>';

const HTML_BODY = [
  "<html><body><div>Update 14 in HTML: it jammed with the new paper too.</div>",
  '<div class="gmail_quote"><div class="gmail_attr">On Mon, Support wrote:</div>',
  "<blockquote>Quoted HTML history of message 14</blockquote></div></body></html>",
].join("");

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  for (let n = 1; n <= 15; n++) {
    // Message 8's Date header says it was written before message 7 arrived: a slow relay.
    const date = n === 8 ? new Date(at(7).getTime() - 30 * 60_000) : at(n);
    const body =
      n === 14
        ? raw(n, date, HTML_BODY, "text/html; charset=utf-8")
        : n === 6
          ? raw(n, date, REMOTE_HTML, "text/html; charset=utf-8")
          : n === 5
            ? withAttachment(n, date)
            : raw(n, date, plain(n, date).join("\r\n"));
    const stored = await deliver(support.id, body, { at: at(n) });
    conversationId = stored.conversationId;
  }
  expect(await db().message.count({ where: { conversationId } })).toBe(15);
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, yubin.baseUrl, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

const expanded = () => page.getByTestId("message");
const collapsed = () => page.getByTestId("message-collapsed");

async function open(): Promise<void> {
  await page.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
  await shortcutsLive(page);
}

describe("a fifteen-message thread", () => {
  it("opens unread at its newest three; read, at its latest message only", async () => {
    await open();
    expect(await expanded().count()).toBe(3);
    expect(await collapsed().count()).toBe(12);
    // Opening it read it (MarkRead); the next visit folds all but the latest.
    await expect
      .poll(
        async () => {
          await open();
          return expanded().count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await collapsed().count()).toBe(14);
    expect(await expanded().first().textContent()).toContain("Update 15:");
    // One line each: sender, time, the first words of what was written (not the quote).
    const line = collapsed().first();
    expect(await line.textContent()).toContain("Hanako Sato");
    expect(await line.textContent()).toContain("Update 1: the printer jammed again");
    expect(await line.textContent()).not.toContain("Quoted history");
    expect((await line.boundingBox())?.height).toBeLessThan(60);
    expect(await line.getAttribute("aria-expanded")).toBe("false");
  });

  it("folds the quoted history and the signature behind '…' and opens them on click", async () => {
    const latest = expanded().first();
    const quote = latest.getByText("Quoted history line of message 15");
    const signature = latest.getByText("signature of message 15");
    expect(await quote.isVisible()).toBe(false);
    expect(await signature.isVisible()).toBe(false);
    expect(await latest.getByText("Update 15: the printer jammed again").isVisible()).toBe(true);
    await latest.getByLabel("Show quoted text").click();
    await quote.waitFor();
    expect(await signature.isVisible()).toBe(false);
    await latest.getByLabel("Show signature").click();
    await signature.waitFor();
  });

  it("expands a message on click, shows 'sent …' where the Date header runs backwards, and folds it again", async () => {
    await collapsed().filter({ hasText: "Update 8:" }).click();
    // Fetched on expand (thread-message.tsx).
    await expect.poll(() => expanded().count(), { timeout: 10_000 }).toBe(2);
    const eighth = expanded().filter({ hasText: "Update 8:" });
    expect(await eighth.getByTestId("sent-at").textContent()).toMatch(/^sent /);
    // Only there: message 15's header agrees with its arrival.
    expect(await page.getByTestId("sent-at").count()).toBe(1);
    await eighth.getByRole("button", { name: "Collapse" }).click();
    await expect.poll(() => expanded().count()).toBe(1);
  });

  it("sends a folded message's summary only, and fetches its whole card when it is expanded (by keyboard too)", async () => {
    await open();
    // The page as the server sends it: one line for each folded message, the latest whole.
    const html = await (await page.request.get(`${yubin.baseUrl}/conversations/${conversationId}`)).text();
    expect(html).toContain("Quoted history line of message 15");
    expect(html).not.toContain("Quoted history line of message 3");
    expect(html).not.toContain("signature of message 3");
    expect(html).not.toContain("jam-log.txt");
    // Expanded by the keyboard: the card is fetched, then shown in the line's place.
    const fetched = page.waitForResponse((r) => r.url().includes("conversations.message") && r.ok());
    await collapsed().filter({ hasText: "Update 5:" }).focus();
    await page.keyboard.press("Enter");
    await fetched;
    const fifth = expanded().filter({ hasText: "Update 5:" });
    await fifth.waitFor();
    expect(await fifth.getByRole("heading").textContent()).toContain("Hanako Sato");
    // The same card as one the page starts expanded: quote folded, attachment, actions.
    expect(await fifth.getByText("Quoted history line of message 5").isVisible()).toBe(false);
    const attachment = fifth.getByRole("link", { name: /jam-log\.txt/ });
    expect(await attachment.getAttribute("href")).toMatch(/\/api\/messages\/\d+\/attachments\/0/);
    await fifth.getByRole("button", { name: "Reply", exact: true }).waitFor();
    await fifth.getByRole("link", { name: "Download original (.eml)" }).waitFor();
    // Remote content stays blocked in a fetched HTML message until the reader asks.
    await collapsed().filter({ hasText: "Hanako Sato" }).nth(4).click();
    const sixth = expanded().filter({ has: page.getByTestId("remote-images") });
    await sixth.waitFor();
    const frame = sixth.locator("iframe");
    expect(await frame.getAttribute("src")).toMatch(/\/html$/);
    expect(await frame.getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
    await sixth.getByRole("button", { name: "Show remote images" }).click();
    await expect.poll(() => frame.getAttribute("src")).toMatch(/\/html\?remoteImages=1$/);
    // Folded again and expanded again: no second fetch, the card is kept.
    let refetched = false;
    page.on("request", (r) => {
      if (r.url().includes("conversations.message")) refetched = true;
    });
    await fifth.getByRole("button", { name: "Collapse" }).click();
    await collapsed().filter({ hasText: "Update 5:" }).click();
    await expanded().filter({ hasText: "Update 5:" }).waitFor();
    expect(refetched).toBe(false);
    // Folded again for the next test, which looks for the one other HTML frame.
    await sixth.getByRole("button", { name: "Collapse" }).click();
    await expect.poll(() => page.locator("iframe").count()).toBe(0);
  });

  it("folds an HTML message's blockquote and gmail_quote inside its frame", async () => {
    await collapsed().filter({ hasText: "Update 14 in HTML" }).click();
    const frame = page.frameLocator('iframe[title*="Hanako Sato"]');
    await frame.getByText("Update 14 in HTML").waitFor();
    const history = frame.getByText("Quoted HTML history of message 14");
    expect(await history.isVisible()).toBe(false);
    expect(await frame.getByText("On Mon, Support wrote:").isVisible()).toBe(false);
    await frame.getByText("…").click();
    await history.waitFor();
  });

  it("jumps to the latest, and the folded thread is a fraction of the expanded one's height", async () => {
    await open();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole("link", { name: /Jump to latest/ }).click();
    await page.waitForURL(/#message-\d+$/);
    const latestTop = await expanded()
      .first()
      .evaluate((el) => el.getBoundingClientRect().top);
    expect(latestTop).toBeLessThan(900);
    const height = () => page.evaluate(() => document.documentElement.scrollHeight);
    const folded = await height();
    await page.getByRole("button", { name: "Expand all" }).click();
    await expect.poll(() => expanded().count(), { timeout: 15_000 }).toBe(15);
    const whole = await height();
    expect(folded).toBeLessThan(whole * 0.4);
  });

  it("fits a 360 px phone folded, one line per message, without sideways scrolling", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await context.addCookies(await page.context().cookies());
    await phone.goto(`${yubin.baseUrl}/conversations/${conversationId}`);
    await shortcutsLive(phone);
    expect(await phone.getByTestId("message-collapsed").count()).toBe(14);
    const line = await phone.getByTestId("message-collapsed").first().boundingBox();
    expect(line?.height).toBeLessThan(60);
    const { scrollWidth, clientWidth } = await phone.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await phone.screenshot({ path: "/tmp/yubin-phone-thread.png", fullPage: true });
    await context.close();
  });
});
