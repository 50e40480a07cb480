// The Japanese UI end to end: a browser that prefers Japanese (ja-JP, Tokyo
// time) signs in on a Japanese sign-in page, sees the folders and the
// conversation's controls by their Japanese names and dates in Asia/Tokyo,
// visits the admin pages, an approval, the shortcut help and a conversation's
// history (a snooze time in the zone chosen in Settings, not UTC, not the
// browser's), all in Japanese — server errors included — then chooses English
// in Settings and gets the English UI.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMessage } from "../../server/access/gate.ts";
import { holdReply } from "../../server/approval/hold-reply.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { launchBrowser, shortcutsLive } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { deliverToYubin, startMailApp } from "../support/mail-app.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "japanese e2e password 1" };
const TRAINEE = { email: "trainee@example.com", password: "japanese e2e password 2", name: "研修生 田中" };
const CUSTOMER_ID = "nouhin@customer.example";
const SUBJECT = "納品日のご確認";
// 2024-03-01 15:30 UTC is 2024-03-02 00:30 in Tokyo: the day differs from UTC's.
const SENT = new Date("2024-03-01T15:30:00Z");

let yubin: YubinProcess;
let dns: DnsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dns = await startDnsServer({});
  const started = await startMailApp({ admin: ADMIN, env: { YUBIN_DNS_SERVERS: dns.address } });
  yubin = started.yubin;
  await deliverToYubin(started.smtpPort, {
    from: "山田 太郎 <taro@customer.example>",
    to: "support@example.com",
    subject: SUBJECT,
    date: SENT,
    messageId: `<${CUSTOMER_ID}>`,
    text: "いつもお世話になっております。納品日をご確認ください。",
  });

  // A trainee whose replies need approval has answered: the admin (a member, so a reviewer) sees it held.
  const customerMail = await waitFor("the customer's mail", () =>
    db().message.findFirst({ where: { messageIdHeader: CUSTOMER_ID } }),
  );
  const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
  const trainee = await createUser({ ...TRAINEE, actorId: null });
  await db().membership.create({ data: { mailboxId: support.id, userId: trainee.user.id, needsApproval: true } });
  const message = await authorizeMessage({ userId: trainee.user.id, messageId: customerMail.id });
  if (!message) throw new Error("the trainee is not a member");
  await holdReply({
    actorId: trainee.user.id,
    message,
    composition: {
      messageId: customerMail.id,
      mode: "reply",
      to: "taro@customer.example",
      subject: `Re: ${SUBJECT}`,
      text: "納品日は来週の月曜日です。",
      attachments: [],
      forwardAttachments: [],
    },
  });

  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
  });
  page = await context.newPage();
  // A locator that never appears fails the step, naming itself, well within the test's own timeout.
  page.setDefaultTimeout(15_000);
});

/** None of these English words shows in the region (a Japanese page that fell back to English). */
async function noEnglish(region: Locator, words: string[]) {
  const text = await region.innerText();
  for (const word of words) expect(text, word).not.toMatch(new RegExp(`\\b${word}\\b`));
}

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

describe("the Japanese UI", () => {
  it("signs in on a Japanese sign-in page", async () => {
    await page.goto(`${yubin.baseUrl}/sign-in`);
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
    await page.getByLabel("メールアドレス").fill(ADMIN.email);
    await page.getByLabel("パスワード").fill(ADMIN.password);
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/inbox$/);
  });

  it("shows the inbox folders and shell in Japanese", async () => {
    const folders = page.getByRole("navigation", { name: "フォルダー" });
    for (const name of ["未割り当て", "自分の担当", "未対応すべて", "返信待ち", "スヌーズ中", "完了", "迷惑メール"]) {
      await folders.getByRole("link", { name: new RegExp(`^${name}`) }).waitFor({ timeout: 10_000 });
    }
    await page.getByRole("searchbox", { name: "検索" }).waitFor();
    await page.getByRole("button", { name: "ログアウト" }).waitFor();
    await page.getByRole("link", { name: "設定" }).waitFor();
    await page.getByLabel("並び順").waitFor();
    // The conversation (stored before the sign-in) with its status in Japanese.
    const row = page.getByRole("link", { name: new RegExp(SUBJECT) });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain("未対応");
    expect(await row.innerText()).toContain("未割り当て");
  });

  it("opens the conversation: Japanese controls, Tokyo time", async () => {
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    for (const name of ["返信", "全員に返信", "転送", "メモ", "タグ", "自分が担当"]) {
      await page.getByRole("button", { name, exact: true }).first().waitFor({ timeout: 10_000 });
    }
    for (const name of ["ステータス", "担当者", "スヌーズ"]) {
      await page.getByRole("combobox", { name, exact: true }).waitFor();
    }
    // The message's date: 2024年3月2日 0:30 in Tokyo (UTC would say 3月1日).
    const time = page.locator(`time[datetime="${SENT.toISOString()}"]`).first();
    await time.waitFor();
    await expect.poll(() => time.getAttribute("title")).toMatch(/2024年3月2日.*0:30:00 JST/);
    expect(await time.innerText()).toContain("2024/03/02");

    await page.getByRole("button", { name: "返信", exact: true }).first().click();
    await page.getByRole("button", { name: "送信", exact: true }).waitFor({ timeout: 10_000 });
    await page.getByLabel("件名").waitFor();
    // The quote's header is Japanese, in the browser's zone (Tokyo): 0:30 on Saturday 2 March.
    await expect
      .poll(() => page.getByLabel("本文", { exact: true }).inputValue())
      .toMatch(/2024年3月2日\(土\) 0:30 JST 山田 太郎 <taro@customer\.example>:\n> いつも/);
    await page.screenshot({ path: "/tmp/yubin-ja.png", fullPage: true });
    await page.getByRole("button", { name: "破棄" }).click();
    await page.getByRole("button", { name: "送信", exact: true }).waitFor({ state: "hidden" });

    // The conversation's shortcuts work in Japanese too (they once looked for the English list name).
    await shortcutsLive(page);
    await page.keyboard.press("r");
    await page.getByRole("button", { name: "送信", exact: true }).waitFor({ timeout: 10_000 });
    await page.getByRole("button", { name: "破棄" }).click();
  });

  it("a time zone chosen in Settings wins over the browser's", async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    await page.getByRole("heading", { name: "設定", level: 1 }).waitFor();
    await page.getByLabel("タイムゾーン", { exact: true }).selectOption("America/New_York");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByText("設定を保存しました。").waitFor();
    await page.goto(`${yubin.baseUrl}/inbox?folder=open`);
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    const time = page.locator(`time[datetime="${SENT.toISOString()}"]`).first();
    // 10:30 in New York, on 1 March.
    await expect.poll(() => time.getAttribute("title")).toMatch(/2024年3月1日.*10:30:00/);
  });

  it("the admin pages speak Japanese, server errors included", async () => {
    await page.goto(`${yubin.baseUrl}/admin/users`);
    await page.getByRole("heading", { name: "管理", level: 1 }).waitFor();
    const tabs = page.getByRole("navigation", { name: "管理メニュー" });
    for (const name of ["ユーザー", "ドメイン", "メールボックス", "設定", "定型文"]) {
      await tabs.getByRole("link", { name, exact: true }).waitFor();
    }
    await page.getByRole("columnheader", { name: "権限" }).waitFor();
    // A bad password: the server's English refusal is shown in Japanese.
    const addUser = page.getByRole("region", { name: "ユーザーを追加" });
    await addUser.getByLabel("メールアドレス").fill("new-agent@example.com");
    await addUser.getByLabel("パスワード").fill("short");
    await addUser.getByRole("button", { name: "ユーザーを追加" }).click();
    await addUser.getByRole("alert").filter({ hasText: "パスワードは 10 文字以上にしてください。" }).waitFor();
    await noEnglish(page.locator("main"), ["Users", "Email", "Role", "Add user", "Password"]);

    await tabs.getByRole("link", { name: "ドメイン", exact: true }).click();
    await page
      .getByRole("region", { name: "ローカルドメイン" })
      .getByRole("table", { name: "example.com の DNS レコード" })
      .waitFor();
    const addDomain = page.getByRole("region", { name: "ドメインを追加" });
    await addDomain.getByLabel("ドメイン名").fill("exa mple");
    await addDomain.getByRole("button", { name: "ドメインを追加" }).click();
    await addDomain.getByRole("alert").filter({ hasText: "「exa mple」は有効なドメイン名ではありません。" }).waitFor();

    await tabs.getByRole("link", { name: "メールボックス", exact: true }).click();
    await page.getByRole("checkbox", { name: "support@example.com のラウンドロビン割り当て" }).waitFor();
    await page.getByRole("checkbox", { name: `support@example.com で ${TRAINEE.name} の返信に承認が必要` }).waitFor();
    await noEnglish(page.locator("main"), ["Members", "Quota", "Round-robin", "Needs approval", "Reviewer"]);
    await page.screenshot({ path: "/tmp/yubin-ja-admin-mailboxes.png", fullPage: true });
    // Limits are set on the quota tab, which each mailbox links to; a bad size is refused in Japanese.
    await page.getByRole("link", { name: "support@example.com の容量制限と警告" }).click();
    const limits = page.getByRole("form", { name: "support@example.com の制限" });
    await limits.getByLabel("容量制限").fill("lots");
    await limits.getByRole("button", { name: "support@example.com の制限を保存" }).click();
    await limits.getByRole("alert").filter({ hasText: "「lots」はサイズとして認識できません" }).waitFor();

    await tabs.getByRole("link", { name: "設定", exact: true }).click();
    await page.getByRole("region", { name: "ステータス名" }).waitFor();
    await page.getByRole("button", { name: "表示名を保存" }).waitFor();

    await tabs.getByRole("link", { name: "定型文", exact: true }).click();
    await page.getByRole("form", { name: "新しい定型文" }).waitFor();
    await page.getByLabel("タイトル").waitFor();
    expect(await page.title()).toBe("定型文 · Yubin");
  });

  it("shows a held reply for approval in Japanese", async () => {
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.getByRole("link", { name: /^承認/ }).click();
    await page.waitForURL(/\/approvals$/);
    await page.getByRole("heading", { name: "承認", level: 1 }).waitFor();
    const held = page.getByRole("article", { name: `${TRAINEE.name} さんの承認待ちの返信` });
    await held.waitFor();
    expect(await held.textContent()).toContain("宛先: taro@customer.example");
    await held.getByRole("button", { name: "承認して送信" }).waitFor();
    await held.getByRole("button", { name: "差し戻す" }).click();
    await held.getByLabel(`${TRAINEE.name} さんへのコメント`).waitFor();
    // A blank comment: the server refuses, in Japanese, and nothing is returned.
    await held.getByLabel(`${TRAINEE.name} さんへのコメント`).fill("   ");
    await held.getByRole("button", { name: "作成者に差し戻す" }).click();
    await held.getByRole("alert").filter({ hasText: "修正してほしい点をコメントに書いてください。" }).waitFor();
    await noEnglish(page.locator("main"), ["Approvals", "Approve", "Return", "Comment"]);
    await page.screenshot({ path: "/tmp/yubin-ja-approvals.png", fullPage: true });
  });

  it("a missing page says so in Japanese", async () => {
    const response = await page.goto(`${yubin.baseUrl}/conversations/999999`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "ページが見つかりません。", level: 1 }).waitFor();
    await page.getByRole("link", { name: "受信箱に戻る" }).waitFor();
  });

  it("the shortcut help (?) is in Japanese", async () => {
    await page.goto(`${yubin.baseUrl}/inbox`);
    await page.getByRole("navigation", { name: "フォルダー" }).waitFor();
    await shortcutsLive(page);
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "キーボードショートカット" });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? "";
    for (const words of [
      "どこでも",
      "受信箱",
      "会話",
      "次の会話",
      "最後のメッセージに返信",
      "テキスト入力中は使えません。",
    ]) {
      expect(text).toContain(words);
    }
    expect(text).not.toMatch(/Next conversation|Anywhere|Keyboard shortcuts/);
    await dialog.getByRole("button", { name: "閉じる" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  it("a snooze time is typed and shown in the user's zone (New York), in the bar and the history", async () => {
    // The browser is in Tokyo; Settings say New York (the test before). Ten days on, 09:00 in New York.
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", dateStyle: "short" }).format(
      new Date(Date.now() + 10 * 86_400_000),
    );
    await page.goto(`${yubin.baseUrl}/inbox?folder=open`);
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    await page.waitForURL(/\/conversations\/\d+$/);
    await page.getByRole("combobox", { name: "スヌーズ", exact: true }).selectOption("custom");
    await page.getByLabel("スヌーズ期限").fill(`${day}T09:00`);
    await page.getByRole("button", { name: "スヌーズ", exact: true }).click();

    const bar = page.getByTestId("snoozed-until").locator("time");
    await bar.waitFor({ timeout: 10_000 });
    const iso = (await bar.getAttribute("datetime")) ?? "";
    const until = new Date(iso);
    // The instant is 09:00 in New York (14:00 or 13:00 UTC, by the season), not 09:00 in Tokyo or UTC.
    const hourIn = (timeZone: string) =>
      Number(new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23" }).format(until));
    expect(hourIn("America/New_York")).toBe(9);
    expect([13, 14]).toContain(until.getUTCHours());
    await expect.poll(() => bar.innerText()).toContain(" 9:00");

    await page.locator("summary", { hasText: "履歴" }).click();
    const history = page.getByRole("list", { name: "履歴" });
    const entry = history.getByRole("listitem").filter({ hasText: "までスヌーズ" });
    await entry.waitFor();
    const when = entry.locator(`time[datetime="${iso}"]`).first();
    await expect.poll(() => when.innerText()).toBe(`${day.replaceAll("-", "/")} 9:00`);
    expect(await entry.innerText()).not.toContain("UTC");
    await history
      .getByRole("listitem")
      .filter({ hasText: `${TRAINEE.name} が返信の承認を依頼` })
      .waitFor();
    expect(await entry.innerText()).not.toContain(`${String(until.getUTCHours())}:00`);

    // Wake it again, so that it is back in the open folders for the next test.
    await page.getByRole("combobox", { name: "スヌーズ", exact: true }).selectOption("wake");
    await page.getByTestId("snoozed-until").waitFor({ state: "detached", timeout: 10_000 });
  });

  it("choosing English in Settings shows the English UI", async () => {
    await page.goto(`${yubin.baseUrl}/settings`);
    // A choice made before hydration would be lost to React's state and the form's native submit.
    await shortcutsLive(page);
    await page.getByLabel("言語", { exact: true }).selectOption("en");
    await page.getByLabel("タイムゾーン", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "設定を保存" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor({ timeout: 10_000 });
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.waitForURL(/\/inbox$/);
    const folders = page.getByRole("navigation", { name: "Folders" });
    await folders.getByRole("link", { name: /^All open/ }).waitFor();
    await page.getByRole("link", { name: new RegExp(SUBJECT) }).click();
    for (const name of ["Reply", "Reply all", "Forward", "Note", "Tag"]) {
      await page.getByRole("button", { name, exact: true }).first().waitFor({ timeout: 10_000 });
    }
    for (const name of ["Status", "Assign", "Snooze"])
      await page.getByRole("combobox", { name, exact: true }).waitFor();
    await page.getByRole("searchbox", { name: "Search" }).waitFor();
    await page.screenshot({ path: "/tmp/yubin-en-after-ja.png", fullPage: true });
  });
});
