// People and membership administration in Chromium, in English and in
// Japanese (each admin's own language setting): disabling a user ends the
// session open in their browser at once (the live stream's "ended" event
// takes them to the sign-in page, and a reload stays there); removing a member
// of a shared mailbox takes its conversations out of the member's open inbox
// at once, and adding them back brings them back; an invitation link lets the
// invitee set a password and sign in.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT, type T } from "../../app/i18n/translate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { deliver } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "people e2e admin password" };
const PASSWORD = "people e2e member password";
/** Each test signs in two or three browsers; on a loaded machine that alone has taken 30 s. */
const TEST_MS = 120_000;

let yubin: YubinProcess;
let browser: Browser;
let supportId = 0;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  contexts.push(context);
  return context.newPage();
}

/** An agent (member of support@ when asked) signed in in a browser of their own, with the live stream up. */
async function signedInAgent(email: string, locale: "en" | "ja", member: boolean): Promise<Page> {
  const user = (await createUser({ email, password: PASSWORD, actorId: null })).user;
  await db().user.update({ where: { id: user.id }, data: { locale } });
  if (member) await db().membership.create({ data: { mailboxId: supportId, userId: user.id } });
  const page = await newPage();
  await signIn(page, yubin.baseUrl, { email, password: PASSWORD });
  await page.waitForFunction(() => document.documentElement.dataset.live === "connected");
  return page;
}

/** An admin whose pages are in `locale`. */
async function adminPage(locale: "en" | "ja"): Promise<Page> {
  const email = locale === "en" ? ADMIN.email : "kanri@example.com";
  if (locale === "ja") {
    await createUser({ email, password: ADMIN.password, role: "admin", actorId: null });
    await db().user.update({ where: { email }, data: { locale: "ja" } });
  }
  const page = await newPage();
  await signIn(page, yubin.baseUrl, { email, password: ADMIN.password });
  return page;
}

beforeAll(async () => {
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web" }));
  supportId = (await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } })).id;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await yubin?.stop();
  await disconnectDb();
});

describe.each([
  ["en", makeT(en)],
  ["ja", makeT(ja)],
] as ["en" | "ja", T][])("in %s", (locale, t) => {
  let admin: Page;

  beforeAll(async () => {
    admin = await adminPage(locale);
  }, 120_000);

  it(
    "disabling a user ends their open session at once",
    async () => {
      const email = `off-${locale}@example.com`;
      const agent = await signedInAgent(email, locale, false);
      await admin.goto(`${yubin.baseUrl}/admin/users`);
      await admin.getByRole("button", { name: t("admin.disableUser", { email }) }).click();
      await admin
        .getByRole("status")
        .filter({ hasText: t("admin.userDisabled", { email }) })
        .waitFor();
      // No reload by the test: the agent's open page is taken to the sign-in page.
      await agent.waitForURL(/\/sign-in/, { timeout: 20_000 });
      await agent.goto(`${yubin.baseUrl}/inbox`);
      expect(new URL(agent.url()).pathname).toBe("/sign-in");
      const user = await db().user.findUniqueOrThrow({ where: { email } });
      expect(user.disabled).toBe(true);
      expect(await db().auditEvent.count({ where: { action: "user.disable", subjectId: String(user.id) } })).toBe(1);
    },
    TEST_MS,
  );

  it(
    "removing a member takes the mailbox's conversations out of their open inbox; adding them back returns them",
    async () => {
      const email = `member-${locale}@example.com`;
      const subject = `Membership check ${locale}`;
      await deliver(supportId, { to: "support@example.com", subject });
      const member = await signedInAgent(email, locale, true);
      const row = member.getByRole("link", { name: new RegExp(subject) });
      await row.waitFor();

      await admin.goto(`${yubin.baseUrl}/admin/mailboxes`);
      const members = admin.getByRole("region", { name: t("members.of", { address: "support@example.com" }) });
      await members
        .getByRole("button", { name: t("members.removeNamed", { email, address: "support@example.com" }) })
        .click();
      await members
        .getByRole("status")
        .filter({ hasText: t("members.removed", { email, address: "support@example.com" }) })
        .waitFor();
      // Gone from the member's open page without a reload (the live stream's "reset").
      await row.waitFor({ state: "detached", timeout: 20_000 });
      const conversation = await db().conversation.findFirstOrThrow({ where: { subject } });
      const response = await member.goto(`${yubin.baseUrl}/conversations/${conversation.id}`);
      expect(response?.status()).toBe(404);

      // A form's refusal comes back in the reader's language.
      await members.getByRole("button", { name: t("members.add") }).click();
      await members
        .getByRole("alert")
        .filter({ hasText: t("errors.emailRequired") })
        .waitFor();

      await members.getByLabel(t("members.addWho", { address: "support@example.com" })).selectOption(email);
      await members.getByRole("button", { name: t("members.add") }).click();
      await members
        .getByRole("status")
        .filter({ hasText: t("members.added", { email, address: "support@example.com" }) })
        .waitFor();
      await member.goto(`${yubin.baseUrl}/inbox`);
      await member.getByRole("link", { name: new RegExp(subject) }).waitFor();
    },
    TEST_MS,
  );
});

describe("invitations", () => {
  it(
    "an invited user sets a password through the one-time link and signs in",
    async () => {
      const admin = await newPage();
      await signIn(admin, yubin.baseUrl, ADMIN);
      await admin.goto(`${yubin.baseUrl}/admin/users`);
      const panel = admin.getByRole("region", { name: "Invite a user" });
      await panel.getByLabel("Email").fill("invitee@example.com");
      await panel.getByRole("button", { name: "Create invitation link" }).click();
      const link = await panel.getByLabel("One-time link").inputValue();
      expect(link).toMatch(new RegExp(`^${yubin.baseUrl}/set-password#[\\w-]+$`));

      const invitee = await newPage();
      await invitee.goto(link);
      await invitee.getByText("Welcome! Choose a password for invitee@example.com.").waitFor();
      await invitee.getByLabel("New password").fill("short");
      await invitee.getByLabel("Repeat the password").fill("short");
      await invitee.getByRole("button", { name: "Set password" }).click();
      await invitee.getByRole("alert").filter({ hasText: "at least 10 characters" }).waitFor();
      await invitee.getByLabel("New password").fill("invitee's chosen password");
      await invitee.getByLabel("Repeat the password").fill("invitee's chosen password");
      await invitee.getByRole("button", { name: "Set password" }).click();
      await invitee.waitForURL(/\/sign-in\?changed=1$/);
      await signIn(invitee, yubin.baseUrl, { email: "invitee@example.com", password: "invitee's chosen password" });

      // The link worked once.
      const again = await newPage();
      await again.goto(link);
      await again.getByRole("alert").filter({ hasText: "This link is not valid any more" }).waitFor();
    },
    TEST_MS,
  );
});
