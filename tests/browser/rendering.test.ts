// Mail shown as its sender meant it (issue 10 items 5, 11, 12, 13, 14), in the
// browser: the MIME fixtures of tests/fixtures/mail/ go through Yubin's MX
// byte for byte, and the conversation page shows their text, not "(no text)",
// mojibake or "unknown sender", and says when a message is malformed.
import { readFileSync } from "node:fs";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { startMailApp } from "../support/mail-app.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "rendering e2e password 1" };
const FIXTURES = [
  "raw-cp1252-subject.eml",
  "raw-latin1-unlabelled.eml",
  "no-blank-line.eml",
  "no-header.eml",
  "broken-disposition-html.eml",
  "empty-address-from.eml",
  "nul-characters.eml",
  "html-then-plain-parts.eml",
  "alternative-with-footer.eml",
];

let yubin: YubinProcess;
let dns: DnsServer;
let browser: Browser;
let page: Page;
/** The conversation page of each fixture. */
const pages = new Map<string, string>();

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));

/** Sends the bytes as they are (dot-stuffed), as a customer's server would. */
async function sendRaw(smtpPort: number, raw: Buffer): Promise<void> {
  const { client } = await SmtpClient.connect(smtpPort);
  try {
    for (const command of ["EHLO client.example", "MAIL FROM:<sender@example.net>", "RCPT TO:<support@example.com>"]) {
      expect((await client.send(command)).last).toMatch(/^250 /);
    }
    expect((await client.send("DATA")).last).toMatch(/^354 /);
    const text = raw.toString("latin1").replace(/^\./gm, "..");
    client.write(Buffer.from(`${text.endsWith("\r\n") ? text : `${text}\r\n`}.\r\n`, "latin1"));
    expect((await client.reply()).last).toMatch(/^250 /);
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  dns = await startDnsServer({});
  const started = await startMailApp({ admin: ADMIN, env: { YUBIN_DNS_SERVERS: dns.address } });
  yubin = started.yubin;
  for (const name of FIXTURES) {
    await sendRaw(started.smtpPort, fixture(name));
    // 250 comes after the commit: the newest message is this one.
    const stored = await db().message.findFirstOrThrow({ orderBy: { id: "desc" }, select: { conversationId: true } });
    pages.set(name, `${yubin.baseUrl}/conversations/${stored.conversationId}`);
  }
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(15_000);
  await signIn(page, yubin.baseUrl, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

async function open(name: string) {
  await page.goto(pages.get(name) as string);
  const message = page.getByTestId("message");
  await message.waitFor();
  return { heading: page.getByRole("heading", { level: 1 }), message };
}

/** The frame showing a message's HTML, once it has loaded. */
async function messageFrame(): Promise<Frame> {
  const element = page.locator("iframe").first();
  await element.waitFor();
  const frame = await (await element.elementHandle())?.contentFrame();
  if (!frame) throw new Error("no frame");
  await frame.waitForLoadState("load");
  return frame;
}

describe("mail as its sender meant it", () => {
  it("shows a raw Windows-1252 subject as Portuguese, not kanji (item 11)", async () => {
    const { heading, message } = await open("raw-cp1252-subject.eml");
    expect(await heading.innerText()).toContain("Formação de Verão … inscrições");
    expect(await message.innerText()).toContain("Inscrições abertas até março.");
  });

  it("shows raw Latin-1 headers and an unlabelled Latin-1 body (item 11)", async () => {
    const { heading, message } = await open("raw-latin1-unlabelled.eml");
    expect(await heading.innerText()).toContain("Formação Verão");
    const text = await message.innerText();
    expect(text).toContain("José Conceição");
    expect(text).toContain("Olá, a formação de verão começa amanhã.");
  });

  it("shows the text of a message whose header has no empty line, and says it is malformed (item 13)", async () => {
    const { message } = await open("no-blank-line.eml");
    const text = await message.innerText();
    expect(text).toContain("Order 1234: delayed");
    expect(text).toContain("It was due on Friday.");
    expect(text).not.toContain("(no text)");
    expect(await message.getByTestId("malformed").innerText()).toContain("its header does not end with an empty line");
  });

  it("shows a message without any header as its text (item 13)", async () => {
    const { message } = await open("no-header.eml");
    expect(await message.innerText()).toContain("Hello, this message has no header at all.");
    expect(await message.getByTestId("malformed").innerText()).toContain("This message has no header");
  });

  it("shows a single-part HTML message with a broken Content-Disposition, not an unnamed attachment (item 14)", async () => {
    const { message } = await open("broken-disposition-html.eml");
    const frame = await messageFrame();
    expect(await frame.locator("body").innerText()).toContain("Your order has shipped.");
    expect(await message.getByRole("region", { name: "Attachments" }).count()).toBe(0);
    expect(await message.innerText()).not.toContain("(no text)");
  });

  it("names a bounce's sender by its display name when the address is empty (item 14)", async () => {
    const { message } = await open("empty-address-from.eml");
    const text = await message.innerText();
    expect(text).toContain("MAILER DAEMON");
    expect(text).not.toContain("unknown sender");
  });

  it("shows the text parts beside an HTML part, in order (item 12)", async () => {
    await open("html-then-plain-parts.eml");
    const shown = await (await messageFrame()).locator("body").innerText();
    const order = ["Your invoice is below.", "Invoice 77: 3 items, total < 100 EUR.", "請求書の控えです。"].map((t) =>
      shown.indexOf(t),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("shows a mailing list's footer after the HTML alternative (item 12)", async () => {
    await open("alternative-with-footer.eml");
    const shown = await (await messageFrame()).locator("body").innerText();
    expect(shown).toContain("The meeting moved to Thursday.");
    expect(shown.indexOf("team-list mailing list")).toBeGreaterThan(shown.indexOf("Thursday"));
  });

  it("shows a message with NUL characters, each as U+FFFD (item 5)", async () => {
    const { heading, message } = await open("nul-characters.eml");
    expect(await heading.innerText()).toContain("before\ufffdafter");
    const text = await message.innerText();
    expect(text).toContain("line one\ufffdline two");
    expect(text).toContain("bad\ufffdname.txt");
    await page.screenshot({ path: "/tmp/yubin-rendering-nul.png", fullPage: true });
  });
});
