// App passwords end to end in Chromium: the admin creates one under Settings,
// reads the login and the secret off the page (shown once), and a mail client
// (nodemailer: STARTTLS, then AUTH with that login and secret) sends through
// Yubin's submission port and is accepted. Revoked in the browser, the same
// AUTH is refused with 535.
import nodemailer from "nodemailer";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { startMailApp } from "../support/mail-app.ts";
import { freePort, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "app passwords e2e password" };
const LABEL = "Thunderbird on the laptop";

let yubin: YubinProcess;
let submissionPort = 0;
let browser: Browser;
let page: Page;

function send(auth: { user: string; pass: string }, subject: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: submissionPort,
    secure: false,
    requireTLS: true,
    auth,
    tls: { rejectUnauthorized: false },
  });
  return transport
    .sendMail({
      from: ADMIN.email,
      to: "hanako@customer.example",
      subject,
      text: "Sent from a mail client with an app password.",
    })
    .finally(() => transport.close());
}

beforeAll(async () => {
  submissionPort = await freePort();
  const started = await startMailApp({
    admin: ADMIN,
    roles: "web,mail",
    env: { YUBIN_SUBMISSION_PORT: String(submissionPort) },
  });
  yubin = started.yubin;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1100 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("app passwords in Settings", () => {
  it("creates one whose secret sends through submission, and revoking it refuses AUTH with 535", async () => {
    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/settings`);
    const section = page.getByRole("region", { name: "App passwords" });
    await section.waitFor();
    // Where a mail client sends, from the configuration.
    expect(await section.innerText()).toContain(`${submissionPort} with STARTTLS`);
    await section.getByText("No active app passwords.").waitFor();

    const form = page.getByRole("form", { name: "Create an app password" });
    await form.getByLabel("Label").fill(LABEL);
    const scope = form.getByLabel("Mailbox");
    expect(await scope.locator("option").allTextContents()).toEqual(
      expect.arrayContaining(["All your mailboxes", "support@example.com"]),
    );
    await form.getByRole("button", { name: "Create app password" }).click();

    const created = page.getByRole("region", { name: `New app password “${LABEL}”` });
    await created.waitFor();
    expect(await created.getByRole("status").innerText()).toContain("it will not be shown again");
    const login = (await created.getByTestId("new-app-password-login").innerText()).trim();
    const secret = (await created.getByTestId("new-app-password-secret").innerText()).trim();
    expect(login).toBe(ADMIN.email);
    expect(secret).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
    const list = page.getByRole("table", { name: "Your app passwords" });
    const row = list.getByRole("row").filter({ hasText: LABEL });
    await row.waitFor();
    expect(await row.innerText()).toContain("All your mailboxes");
    expect(await row.innerText()).toContain("Never");
    await page.screenshot({ path: "/tmp/yubin-app-passwords.png", fullPage: true });

    // A mail client sends with it: accepted, and queued as the admin's mail.
    const info = await send({ user: login, pass: secret }, "Sent with an app password");
    expect(info.accepted).toEqual(["hanako@customer.example"]);
    expect(info.response).toMatch(/^250 /);
    expect(await db().outboundMessage.count()).toBe(1);

    // Shown once: a reload lists it, used now, but the secret is gone.
    await page.reload();
    await list.waitFor();
    expect(await page.content()).not.toContain(secret);
    await expect.poll(() => row.innerText()).not.toContain("Never");

    // Revoke, with a confirmation first.
    await row.getByRole("button", { name: `Revoke ${LABEL}` }).click();
    await row.getByText(`Revoke “${LABEL}”? Mail clients using it can no longer sign in.`).waitFor();
    await row.getByRole("button", { name: `Yes, revoke ${LABEL}` }).click();
    await section
      .getByRole("status")
      .filter({ hasText: `Revoked “${LABEL}”.` })
      .waitFor();
    await section.getByText("No active app passwords.").waitFor();
    await page.screenshot({ path: "/tmp/yubin-app-passwords-revoked.png", fullPage: true });

    const refused = await send({ user: login, pass: secret }, "Sent after revoking").then(
      () => null,
      (e: { responseCode?: number; response?: string }) => e,
    );
    expect(refused?.responseCode).toBe(535);
    expect(await db().outboundMessage.count()).toBe(1);
    const row2 = await db().appPassword.findFirstOrThrow({ where: { label: LABEL } });
    expect(row2.revokedAt).not.toBeNull();
  }, 90_000);

  it("speaks Japanese, and translates the server's refusal of an empty label", async () => {
    // The admin's session from the test before, in a browser that prefers Japanese (the UI language
    // follows the browser while the user has chosen none); signing in again would prove nothing new.
    const context = await browser.newContext({
      locale: "ja-JP",
      viewport: { width: 1280, height: 1100 },
      storageState: await page.context().storageState(),
    });
    const ja = await context.newPage();
    ja.setDefaultTimeout(15_000);
    await ja.goto(`${yubin.baseUrl}/settings`);
    const section = ja.getByRole("region", { name: "アプリパスワード" });
    await section.waitFor();
    await section.getByText("有効なアプリパスワードはありません。").waitFor();
    const form = ja.getByRole("form", { name: "アプリパスワードを作成" });
    await form.getByLabel("名前").fill("   ");
    await form.getByRole("button", { name: "アプリパスワードを作成" }).click();
    await form.getByRole("alert").filter({ hasText: "アプリパスワードに名前を付けてください。" }).waitFor();
    await form.getByLabel("名前").fill("iPhone のメール");
    await form.getByLabel("メールボックス").selectOption({ label: "support@example.com" });
    await form.getByRole("button", { name: "アプリパスワードを作成" }).click();
    const created = ja.getByRole("region", { name: "新しいアプリパスワード「iPhone のメール」" });
    await created.waitFor();
    expect(await created.getByTestId("new-app-password-login").innerText()).toBe("support@example.com");
    const row = ja
      .getByRole("table", { name: "あなたのアプリパスワード" })
      .getByRole("row")
      .filter({ hasText: "iPhone のメール" });
    expect(await row.innerText()).toContain("support@example.com");
    await ja.screenshot({ path: "/tmp/yubin-app-passwords-ja.png", fullPage: true });
    await context.close();
  }, 60_000);
});
