// The admin panel's control for the POP3 deletion policy (issue 12), in
// English and in Japanese: an admin switches support@ (shared, keep by
// default) to delete and back, the choice is stored and audited, and it is
// what the page shows after a reload. An agent does not get the page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin pop3 policy password" };
const AGENT = { email: "agent@example.com", password: "agent pop3 policy password" };

let yubin: YubinProcess;
let browser: Browser;
let english: BrowserContext;
let page: Page;
let supportId = 0;
// A shared, loaded machine makes page loads slow; these bound a hang, not the app's speed.
const STEP_MS = 120_000;

const policy = async () => (await db().mailbox.findUniqueOrThrow({ where: { id: supportId } })).pop3OnDelete;
const audits = () => db().auditEvent.findMany({ where: { action: "mailbox.pop3" }, orderBy: { id: "asc" } });

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  await createUser({ email: AGENT.email, password: AGENT.password, actorId: null });
  supportId = (await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } })).id;
  browser = await launchBrowser();
  english = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  page = await english.newPage();
  page.setDefaultTimeout(60_000);
});

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe("POP3 deletion policy in the admin panel", () => {
  it(
    "switches the shared mailbox from keep (its default) to delete, stored and audited (English)",
    async () => {
      await signIn(page, yubin.baseUrl, ADMIN);
      await page.goto(`${yubin.baseUrl}/admin/mailboxes`);
      const group = page.getByRole("group", { name: "POP3 deletions in support@example.com" });
      const keep = group.getByRole("radio", { name: /Keep it for the team/ });
      const remove = group.getByRole("radio", { name: /Delete it/ });
      expect(await keep.isChecked()).toBe(true);
      expect(await group.innerText()).toMatch(/Keep it for the team\s*\(default\)/);
      expect(await policy()).toBeNull();

      await remove.check();
      await group.getByRole("status").filter({ hasText: "Saved." }).waitFor();
      expect(await policy()).toBe("delete");
      const [audit] = await audits();
      const admin = await db().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
      expect(audit).toMatchObject({
        actorId: admin.id,
        subjectId: String(supportId),
        before: { onDelete: "keep" },
        after: { onDelete: "delete" },
      });

      await page.reload();
      expect(await remove.isChecked()).toBe(true);
      expect(await keep.isChecked()).toBe(false);
      await page.screenshot({ path: "/tmp/yubin-admin-pop3-en.png", fullPage: true });
    },
    STEP_MS,
  );

  it(
    "switches it back to keep in Japanese",
    async () => {
      const japanese = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: "ja-JP",
        storageState: await english.storageState(),
      });
      try {
        const ja = await japanese.newPage();
        ja.setDefaultTimeout(60_000);
        await ja.goto(`${yubin.baseUrl}/admin/mailboxes`);
        const group = ja.getByRole("group", { name: "support@example.com の POP3 削除" });
        expect(await group.innerText()).toMatch(/POP3 クライアントがメッセージを削除したとき/);
        expect(await group.getByRole("radio", { name: /削除する/ }).isChecked()).toBe(true);
        await group.getByRole("radio", { name: /チームのために残す/ }).check();
        await group.getByRole("status").filter({ hasText: "保存しました。" }).waitFor();
        expect(await policy()).toBe("keep");
        expect((await audits()).map((a) => (a.after as { onDelete: string }).onDelete)).toEqual(["delete", "keep"]);
      } finally {
        await japanese.close();
      }
    },
    STEP_MS,
  );

  it(
    "shows an agent no admin page and changes nothing",
    async () => {
      const before = { policy: await policy(), audits: (await audits()).length };
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
      try {
        const agentPage = await context.newPage();
        agentPage.setDefaultTimeout(60_000);
        await signIn(agentPage, yubin.baseUrl, AGENT);
        // Admin pages do not exist for an agent (require-admin.ts): the same 404 as a path that does not.
        const response = await agentPage.goto(`${yubin.baseUrl}/admin/mailboxes`);
        expect(response?.status()).toBe(404);
        expect(await agentPage.getByRole("group", { name: /POP3 deletions/ }).count()).toBe(0);
        expect({ policy: await policy(), audits: (await audits()).length }).toEqual(before);
      } finally {
        await context.close();
      }
    },
    STEP_MS,
  );
});
