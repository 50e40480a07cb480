// Admin → Connectors in Chromium: an admin connects a remote mailbox (a real
// Dovecot on loopback). Test connection names the step that failed — the
// certificate, then the password — and succeeds once both are right; the
// connector is added, the mail role imports the remote INBOX with the progress
// bar reaching 100 %, new remote mail arrives (and shows in an open inbox
// without a reload, the time printed), and the page in Japanese
// shows the same status; pause and resume work from the page. Then the admin
// edits it in place: Test connection with the stored password, write-back
// and a relay saved, and the next remote message is imported once (the sync
// state kept) and marked read on the server.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../server/db/raw-sql.ts";
import { disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type Dovecot, dovecotMissing, startDovecot } from "../support/dovecot.ts";
import { customerMail } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "connector e2e password 1" };
const REMOTE = { user: "help@remote.example", password: "remote-e2e-secret" };
const COUNT = 300;
const missing = dovecotMissing();

let yubin: YubinProcess;
let dovecot: Dovecot;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale, timezoneId: "UTC" });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

describe.skipIf(missing !== null)("Admin → Connectors", () => {
  beforeAll(async () => {
    dovecot = await startDovecot({ [REMOTE.user]: REMOTE.password });
    dovecot.fillInbox(
      REMOTE.user,
      Array.from({ length: COUNT }, (_, i) => customerMail({ subject: `Remote ${i}` }).raw),
    );
    yubin = (await startMailApp({ admin: ADMIN })).yubin;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await yubin?.stop();
    await dovecot?.stop();
    await disconnectDb();
  });

  it("tests, adds and watches a connector import the remote mailbox", { timeout: 150_000 }, async () => {
    const page = await newPage("en-US");
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/connectors`);
    await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Connectors" }).waitFor();
    await expect(page.getByText("No connectors yet.").isVisible()).resolves.toBe(true);
    const form = page.getByRole("form", { name: "Connect an existing mailbox" });
    await form.getByLabel("Shared mailbox").selectOption({ label: "support@example.com" });
    await form.getByLabel("IMAP server").fill("localhost");
    await form.getByLabel("Port", { exact: true }).fill(String(dovecot.imapsPort));
    await form.getByLabel("User name", { exact: true }).fill(REMOTE.user);
    await form.getByLabel("Password or app password").fill("wrong password");
    // Dovecot's certificate is self-signed: the TLS step fails first.
    await form.getByRole("button", { name: "Test connection" }).click();
    await form.getByRole("alert").filter({ hasText: "TLS failed: TLS:" }).waitFor();
    await form.getByLabel(/CA certificate/).fill(dovecot.certPem);
    await form.getByRole("button", { name: "Test connection" }).click();
    await form.getByRole("alert").filter({ hasText: "Authentication failed: Authentication: localhost" }).waitFor();
    await form.getByLabel("Password or app password").fill(REMOTE.password);
    await form.getByRole("button", { name: "Test connection" }).click();
    await form
      .getByRole("status")
      .filter({ hasText: `It works: Connected, signed in and opened INBOX ${COUNT} messages` })
      .waitFor();
    await form.getByRole("button", { name: "Add connector" }).click();
    await form.getByRole("status").filter({ hasText: "Connector added" }).waitFor();
    await expect(form.getByLabel("Password or app password").inputValue()).resolves.toBe("");

    const row = page.getByTestId("connector-row").first();
    await expect(row.getByRole("heading").textContent()).resolves.toMatch(
      /^imaps:\/\/help%40remote\.example@localhost:\d+ → support@example\.com$/,
    );
    const bar = row.getByRole("progressbar", { name: "Import progress of connector 1" });
    const seen: number[] = [];
    await waitFor(
      "the progress bar at 100% and up to date",
      async () => {
        const now = Number(await bar.getAttribute("aria-valuenow").catch(() => Number.NaN));
        if (!Number.isNaN(now) && seen.at(-1) !== now) seen.push(now);
        const state = await row.getByTestId("connector-state").textContent();
        return now === 100 && state?.includes("Up to date");
      },
      90_000,
      100,
    );
    await expect(row.getByTestId("connector-imported").textContent()).resolves.toBe(`${COUNT} messages imported`);
    await expect(row.getByText(/Last successful sync: \d/).isVisible()).resolves.toBe(true);

    // New remote mail arrives while the connector waits in IDLE, and shows in an inbox open in the
    // browser without a reload. Timed from the APPEND (its arrival at the remote server) to the row
    // appearing, and printed for docs/benchmarks.md (issue 16's target: within 2 s); never asserted.
    const inbox = await newPage("en-US");
    await signIn(inbox, yubin.baseUrl, ADMIN);
    await inbox.goto(`${yubin.baseUrl}/inbox`);
    await inbox.getByRole("list", { name: "Conversations" }).waitFor();
    await inbox.waitForFunction(() => document.documentElement.dataset.live === "connected");
    const sender = await dovecot.client(REMOTE.user);
    const appended = Date.now();
    try {
      await sender.append("INBOX", customerMail({ subject: "Arrived during IDLE" }).raw);
    } finally {
      await sender.logout().catch(() => {});
    }
    // When the connector committed it (the browser's live stream hears of it at that COMMIT), beside when it showed.
    const committed = waitFor(
      "the new mail stored",
      async () =>
        ((
          await sql.$queryRaw<{ n: number }[]>`
          select count(*)::int as n from "Message" where subject = 'Arrived during IDLE'`
        )[0]?.n ?? 0) === 1,
      30_000,
      10,
    ).then(() => Date.now() - appended);
    await inbox.getByRole("link", { name: /Arrived during IDLE/ }).waitFor();
    const visibleMs = Date.now() - appended;
    console.log(
      `connector IDLE: new remote mail stored ${await committed} ms and visible in the open inbox ${visibleMs} ms after its APPEND began`,
    );
    await row
      .getByTestId("connector-imported")
      .filter({ hasText: `${COUNT + 1} messages imported` })
      .waitFor();

    await row.getByRole("button", { name: "Pause connector 1" }).click();
    await row.getByTestId("connector-state").filter({ hasText: "Paused" }).waitFor();
    await row.getByRole("button", { name: "Resume connector 1" }).click();
    await row.getByTestId("connector-state").filter({ hasText: "Up to date" }).waitFor();

    const ja = await newPage("ja-JP");
    await ja.goto(`${yubin.baseUrl}/sign-in`);
    await ja.getByLabel("メールアドレス").fill(ADMIN.email);
    await ja.getByLabel("パスワード").fill(ADMIN.password);
    await ja.getByRole("button", { name: "ログイン" }).click();
    await ja.waitForURL(/\/inbox$/);
    await ja.goto(`${yubin.baseUrl}/admin/connectors`);
    const jaRow = ja.getByTestId("connector-row").first();
    await jaRow.getByTestId("connector-state").filter({ hasText: "最新。新着メールを待機中" }).waitFor();
    await expect(jaRow.getByTestId("connector-imported").textContent()).resolves.toBe(`${COUNT + 1} 件取り込み済み`);
    await ja
      .getByRole("form", { name: "既存のメールボックスを接続" })
      .getByRole("button", { name: "接続テスト" })
      .waitFor();
  });

  it("edits the connector in place, keeping its sync state", { timeout: 120_000 }, async () => {
    const page = await newPage("en-US");
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/connectors`);
    const row = page.getByTestId("connector-row").first();
    await expect(row.getByTestId("connector-write-back").textContent()).resolves.toBe("Write-back: off");
    await row.getByRole("button", { name: "Edit connector 1" }).click();
    const form = row.getByRole("form", { name: "Edit connector 1" });
    await expect(form.getByLabel("IMAP server").inputValue()).resolves.toBe("localhost");
    await expect(form.getByLabel("User name", { exact: true }).inputValue()).resolves.toBe(REMOTE.user);
    await expect(form.getByLabel("Password or app password").inputValue()).resolves.toBe("");
    // The stored password and CA are used when the fields are left empty.
    await form.getByRole("button", { name: "Test connection" }).click();
    await form.getByRole("status").filter({ hasText: "It works: Connected, signed in" }).waitFor();
    await form.getByLabel("Mark remote messages read").selectOption({ label: "When imported" });
    await form.getByLabel("Send replies from this address through an SMTP relay").check();
    await form.getByLabel("SMTP relay server").fill("smtp.remote.example");
    await expect(form.getByLabel("Relay port").inputValue()).resolves.toBe("587");
    await form.getByLabel("Relay user name").fill(REMOTE.user);
    await form.getByLabel("Relay password").fill("relay-e2e-secret");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await row.getByTestId("connector-write-back").filter({ hasText: "Write-back: When imported" }).waitFor();
    await expect(row.getByTestId("connector-relay").textContent()).resolves.toBe(
      "Replies from support@example.com via smtp://help%40remote.example@smtp.remote.example:587",
    );
    await expect(page.content()).resolves.not.toContain("relay-e2e-secret");

    // The mail role takes the new settings up; what was imported is not imported again.
    await dovecot.append(REMOTE.user, "INBOX", [customerMail({ subject: "After the edit" }).raw]);
    await row
      .getByTestId("connector-imported")
      .filter({ hasText: `${COUNT + 2} messages imported` })
      .waitFor({ timeout: 60_000 });
    await waitFor(
      "the new message marked read on the server",
      async () => {
        const client = await dovecot.client(REMOTE.user);
        try {
          await client.mailboxOpen("INBOX", { readOnly: true });
          const seen = (await client.search({ seen: true, subject: "After the edit" }, { uid: true })) || [];
          return seen.length === 1;
        } finally {
          await client.logout().catch(() => {});
        }
      },
      30_000,
    );
    // Only the new one: the messages imported before the edit stay unread remotely.
    const client = await dovecot.client(REMOTE.user);
    await client.mailboxOpen("INBOX", { readOnly: true });
    expect(((await client.search({ seen: true }, { uid: true })) || []).length).toBe(1);
    await client.logout();
  });
});
