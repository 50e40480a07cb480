// Issue 12, the reason POP3 has a keep policy: one employee's mail client
// "deletes" everything it downloaded from the shared support@ mailbox, and
// the team, in the browser, still sees every conversation. Then the admin
// switches the mailbox to delete: the next client deletion really expunges,
// and the open inbox drops the conversation by itself (the live feed).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppPassword } from "../../server/auth/app-passwords.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { setPop3OnDelete } from "../../server/mailboxes/pop3-policy.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import { freePort, type YubinProcess } from "../support/yubin-process.ts";

const run = promisify(execFile);
const POPLIB = path.join(import.meta.dirname, "../protocol/pop3/support/poplib-client.py");
const ADMIN = { email: "admin@example.com", password: "pop3 keep e2e password" };
const SUBJECTS = ["Invoice 1042 is wrong", "Where is my parcel?", "請求書の再発行について"];

let yubin: YubinProcess;
let dns: DnsServer;
let smtpPort = 0;
let pop3Port = 0;
let browser: Browser;
let page: Page;
let secret = "";

async function deliver(subject: string, n: number): Promise<void> {
  await deliverToYubin(smtpPort, {
    from: `Customer ${n} <customer${n}@customer.example>`,
    to: "support@example.com",
    subject,
    text: `Hello, this is about: ${subject}`,
    messageId: `<pop3-keep-${n}@customer.example>`,
  });
}

async function poplib(remove: boolean): Promise<{ stat: [number, number]; quit: string }> {
  const config = { host: "127.0.0.1", port: pop3Port, mode: "plain", cafile: null, user: "support@example.com" };
  const { stdout } = await run("python3", [POPLIB, JSON.stringify({ ...config, password: secret, delete: remove })]);
  return JSON.parse(stdout);
}

async function inboxRows(): Promise<string[]> {
  const list = page.getByRole("list", { name: "Conversations" });
  await list.waitFor();
  return list.getByRole("link").allInnerTexts();
}

beforeAll(async () => {
  dns = await startDnsServer({});
  pop3Port = await freePort();
  const started = await startMailApp({
    admin: ADMIN,
    env: { YUBIN_DNS_SERVERS: dns.address, YUBIN_POP3_PORT: String(pop3Port) },
  });
  yubin = started.yubin;
  smtpPort = started.smtpPort;
  for (const [n, subject] of SUBJECTS.entries()) await deliver(subject, n);
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  await waitFor(
    "the mail to be stored",
    async () => (await db().message.count({ where: { mailboxId: support.id } })) === 3,
  );
  // What Settings → App passwords does for the admin, scoped to the shared mailbox.
  secret = (await createAppPassword({ userEmail: ADMIN.email, mailboxId: support.id, actorId: null })).secret;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

describe("a POP3 client on the shared mailbox", () => {
  it("'deletes' everything under keep, and the team still sees every conversation in the browser", async () => {
    const first = await poplib(true);
    expect(first.stat[0]).toBe(3);
    expect(first.quit).toMatch(/3 messages deleted/);
    expect((await poplib(false)).stat).toEqual([0, 0]);

    await signIn(page, yubin.baseUrl, ADMIN);
    const rows = await inboxRows();
    for (const subject of SUBJECTS) expect(rows.some((row) => row.includes(subject))).toBe(true);
    expect(rows).toHaveLength(3);
    await page.getByRole("link", { name: /請求書の再発行について/ }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    await page.getByTestId("message").filter({ hasText: "Hello, this is about: 請求書の再発行について" }).waitFor();
    await page.screenshot({ path: "/tmp/yubin-pop3-keep-inbox.png", fullPage: true });
  });

  it("really deletes once the admin chooses delete, and the open inbox drops the conversation live", async () => {
    await setPop3OnDelete({ address: "support@example.com", onDelete: "delete", actorId: null });
    await deliver("Please close my account", 9);
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.getByRole("link", { name: /Please close my account/ }).waitFor();
    expect(await inboxRows()).toHaveLength(4);

    // This login hid the first three; it downloads only the new one, and deletes it for everyone.
    const result = await poplib(true);
    expect(result.stat[0]).toBe(1);
    expect(result.quit).toMatch(/1 messages deleted/);
    await page.getByRole("link", { name: /Please close my account/ }).waitFor({ state: "detached", timeout: 20_000 });
    expect(await inboxRows()).toHaveLength(3);
  });
});
