// Issue 11, the promise that the browser and a mail client see one store: a
// tag added in the browser is an IMAP keyword on the conversation's messages
// (imapflow sees it), and a message deleted over IMAP leaves the web
// conversation — the open page drops it by itself (the live feed).
import { ImapFlow } from "imapflow";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keywordOfTag } from "../../mail-daemons/imap/keyword-tags.ts";
import { disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import { freePort, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "imap web e2e password" };
const SUPPORT = "support@example.com";
const PATH = `Shared/${SUPPORT}/INBOX`;
const TAG = "請求 Billing";

let yubin: YubinProcess;
let dns: DnsServer;
let smtpPort = 0;
let imapsPort = 0;
let browser: Browser;
let page: Page;
let imap: ImapFlow;

beforeAll(async () => {
  dns = await startDnsServer({});
  imapsPort = await freePort();
  const started = await startMailApp({
    admin: ADMIN,
    env: {
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_IMAPS_PORT: String(imapsPort),
      YUBIN_IMAP_PORT: String(await freePort()),
    },
  });
  yubin = started.yubin;
  smtpPort = started.smtpPort;
  // One conversation of two messages (the customer wrote twice), and one other.
  await deliverToYubin(smtpPort, {
    from: "Customer <customer@customer.example>",
    to: SUPPORT,
    subject: "Invoice 1042 is wrong",
    text: "The total is wrong.",
    messageId: "<imap-web-1@customer.example>",
  });
  await deliverToYubin(smtpPort, {
    from: "Customer <customer@customer.example>",
    to: SUPPORT,
    subject: "Re: Invoice 1042 is wrong",
    text: "Any news about the total?",
    messageId: "<imap-web-2@customer.example>",
    inReplyTo: "<imap-web-1@customer.example>",
    references: "<imap-web-1@customer.example>",
  });
  await deliverToYubin(smtpPort, {
    from: "Other <other@customer.example>",
    to: SUPPORT,
    subject: "Where is my parcel?",
    text: "It has not arrived.",
    messageId: "<imap-web-3@customer.example>",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  imap = new ImapFlow({
    host: "127.0.0.1",
    port: imapsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: ADMIN.email, pass: ADMIN.password },
    logger: false,
  });
  await imap.connect();
  await imap.mailboxOpen(PATH);
});

afterAll(async () => {
  await imap?.logout().catch(() => {});
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

async function keywordsBySubject(): Promise<Map<string, Set<string>>> {
  await imap.noop();
  const out = new Map<string, Set<string>>();
  for await (const message of imap.fetch("1:*", { envelope: true, flags: true }))
    out.set(message.envelope?.subject ?? "", message.flags ?? new Set());
  return out;
}

describe("the browser and an IMAP client on the shared mailbox", () => {
  it("a tag added in the browser is a keyword over IMAP on every message of the conversation", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);
    await page
      .getByRole("link", { name: /Invoice 1042 is wrong/ })
      .first()
      .click();
    await page.waitForURL(/\/conversations\/\d+$/);
    await page.getByRole("button", { name: "Tag", exact: true }).click();
    await page.getByLabel("Tag name").fill(TAG);
    await page.getByRole("button", { name: "Add tag" }).click();
    await page.getByRole("list", { name: "Tags" }).getByText(TAG).waitFor();

    const keyword = keywordOfTag(TAG);
    const flags = await waitFor("the keyword over IMAP", async () => {
      const found = await keywordsBySubject();
      return found.get("Invoice 1042 is wrong")?.has(keyword) ? found : null;
    });
    expect(flags.get("Re: Invoice 1042 is wrong")?.has(keyword)).toBe(true);
    expect(flags.get("Where is my parcel?")?.has(keyword)).toBe(false);
  });

  it("a message deleted over IMAP leaves the open web conversation", async () => {
    // The page of the conversation is open (previous test); both messages are on it.
    const messages = page.getByTestId("message");
    await messages.filter({ hasText: "Any news about the total?" }).waitFor();
    expect(await messages.count()).toBe(2);

    let uid = 0;
    for await (const message of imap.fetch("1:*", { uid: true, envelope: true }))
      if (message.envelope?.subject === "Re: Invoice 1042 is wrong") uid = message.uid;
    expect(uid).toBeGreaterThan(0);
    expect(await imap.messageDelete(String(uid), { uid: true })).toBe(true);

    await messages.filter({ hasText: "Any news about the total?" }).waitFor({ state: "detached", timeout: 20_000 });
    expect(await messages.count()).toBe(1);
    // And after a reload, from the store: gone for good.
    await page.reload();
    await messages.filter({ hasText: "The total is wrong." }).waitFor();
    expect(await messages.count()).toBe(1);
  });
});
