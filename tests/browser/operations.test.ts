// The operations pages in Chromium, in English and in Japanese: a delivery
// deferred by the customer's MX (a loopback sink that answers 451 to the
// first try) is retried from the Queue page and arrives; the audit log is
// filtered and exported as CSV, and the download holds the right rows; the
// Server status page lists the running process and the queue's depth.
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlTransaction } from "../../server/db/raw-sql.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { enqueueTx } from "../../server/outbound/enqueue.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { startMailApp } from "../support/mail-app.ts";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";
import { waitFor } from "../support/wait.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "operations e2e password 1" };
const DEFER_ONCE = new Set(["first-en@customer.example", "first-ja@customer.example"]);
const ALWAYS = "always@customer.example";

let yubin: YubinProcess;
let dns: DnsServer;
let sink: SmtpSink;
let browser: Browser;
let english: BrowserContext;
let japanese: BrowserContext;
let page: Page;
const jobOf: Record<string, number> = {};

async function enqueue(to: string): Promise<number> {
  const outboundId = await sqlTransaction((tx) =>
    enqueueTx(tx, {
      raw: Buffer.from(
        `From: support@example.com\r\nTo: ${to}\r\nSubject: Your order\r\nMessage-ID: <${to}.order@example.com>\r\n\r\nHello\r\n`,
      ),
      mailFrom: "support@example.com",
      recipients: [to],
      messageIdHeader: `${to}.order@example.com`,
      now: new Date(),
    }),
  );
  return (await db().deliveryJob.findFirstOrThrow({ where: { outboundMessageId: outboundId as number } })).id;
}

const job = (name: string) => jobOf[name] as number;
const jobState = async (id: number) => (await db().deliveryJob.findUniqueOrThrow({ where: { id } })).state;
const arrived = (address: string) => sink.messages.some((m) => m.rcptTo.includes(address));

async function downloaded(download: Download): Promise<string> {
  return readFileSync((await download.path()) as string, "utf8");
}

beforeAll(async () => {
  sink = await startSmtpSink({ host: "127.0.0.1" });
  const tries = new Map<string, number>();
  sink.behavior = {
    rcpt: (address) => {
      const n = (tries.get(address) ?? 0) + 1;
      tries.set(address, n);
      if (address === ALWAYS || (DEFER_ONCE.has(address) && n === 1)) return { code: 451, message: "4.4.5 Try later" };
      return null;
    },
  };
  dns = await startDnsServer({
    "customer.example": [{ type: "MX", preference: 10, exchange: "mx.customer.example" }],
    "mx.customer.example": [{ type: "A", address: "127.0.0.1" }],
  });
  ({ yubin } = await startMailApp({
    admin: ADMIN,
    roles: "web,delivery",
    env: {
      YUBIN_SMTP_OUTBOUND_PORT: String(sink.port),
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_DELIVERY_POLL_MS: "200",
      // A deferred job waits an hour: only "Retry now" brings it back during the test.
      YUBIN_QUEUE_RETRY_MIN_SECONDS: "3600",
      YUBIN_QUEUE_RETRY_MAX_SECONDS: "3600",
    },
  }));
  for (const address of [...DEFER_ONCE, ALWAYS]) jobOf[address] = await enqueue(address);
  await waitFor("every job deferred once", async () => {
    const jobs = await db().deliveryJob.findMany({ where: { id: { in: Object.values(jobOf) } } });
    return jobs.every((j) => j.state === "deferred" && j.attempts === 1);
  });
  browser = await launchBrowser();
  english = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: "en-US" });
  page = await english.newPage();
  await signIn(page, yubin.baseUrl, ADMIN);
  japanese = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    locale: "ja-JP",
    storageState: await english.storageState(),
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await sink?.close();
  await dns?.close();
  await disconnectDb();
});

describe("the Queue page", () => {
  it("retries a deferred delivery (English)", async () => {
    const id = job("first-en@customer.example");
    await page.goto(`${yubin.baseUrl}/admin/users`);
    await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Queue" }).click();
    await page.waitForURL(/\/admin\/queue$/);
    const summary = page.getByRole("region", { name: "Waiting by destination" });
    await summary.getByText("3 job(s) waiting").waitFor();
    const domainRow = summary.getByTestId("queue-domain-row");
    expect(await domainRow.textContent()).toContain("customer.example");
    expect(await domainRow.textContent()).toContain("451 4.4.5 Try later");

    const jobs = page.getByRole("region", { name: "Delivery jobs" });
    const row = jobs.locator(`[data-job-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Deferred");
    expect(await row.textContent()).toContain("451 4.4.5 Try later");
    expect(await row.textContent()).toContain("To first-en@customer.example");
    // Each job links to its message's trace, which shows the deferred attempt.
    const href = await row.getByRole("link", { name: `Trace of job ${id}` }).getAttribute("href");
    expect(href).toBe(`/admin/trace?mid=${encodeURIComponent("first-en@customer.example.order@example.com")}`);
    const trace = await english.newPage();
    await trace.goto(`${yubin.baseUrl}${href}`);
    await trace.getByText("451 4.4.5 Try later").first().waitFor();
    await trace.close();

    // The filters: deferred jobs for a domain part, and a domain with none.
    await jobs.getByLabel("Destination domain").fill("nowhere");
    await jobs.getByRole("button", { name: "Filter" }).click();
    await jobs.getByText("No delivery job matches.").waitFor();
    await jobs.getByLabel("State").selectOption("deferred");
    await jobs.getByLabel("Destination domain").fill("CUSTOMER");
    await jobs.getByRole("button", { name: "Filter" }).click();
    await row.waitFor();
    expect(await jobs.getByTestId("queue-job-row").count()).toBe(3);

    await jobs.getByRole("button", { name: `Retry job ${id} now` }).click();
    await jobs.getByRole("status").getByText(`Job ${id} is due now`).waitFor();
    await waitFor("the retried message at the customer's MX", () => arrived("first-en@customer.example"));
    await waitFor("the job delivered", async () => (await jobState(id)) === "delivered");
    // The page re-reads the queue on its own: the delivered job leaves the deferred list.
    await row.waitFor({ state: "detached", timeout: 15_000 });
    await page.screenshot({ path: "/tmp/yubin-queue.png", fullPage: true });
  });

  it("retries a deferred delivery (Japanese)", async () => {
    const id = job("first-ja@customer.example");
    const ja = await japanese.newPage();
    await ja.goto(`${yubin.baseUrl}/admin/queue`);
    const jobs = ja.getByRole("region", { name: "配送ジョブ" });
    const row = jobs.locator(`[data-job-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("延期");
    await ja.getByRole("region", { name: "宛先ドメイン別の待ち" }).getByText("2 件のジョブが待機中です。").waitFor();
    await jobs.getByRole("button", { name: `ジョブ ${id} を今すぐ再試行` }).click();
    await jobs.getByRole("status").getByText(`ジョブ ${id} をすぐに配送します。`).waitFor();
    await waitFor("the retried message at the customer's MX", () => arrived("first-ja@customer.example"));
    await row.waitFor({ state: "detached", timeout: 15_000 });
    expect(await jobState(id)).toBe("delivered");
    // Drop asks first; cancelling keeps the job.
    const always = job(ALWAYS);
    await jobs.getByRole("button", { name: `ジョブ ${always} を破棄` }).click();
    await jobs.getByText(`ジョブ ${always} を破棄しますか？`).waitFor();
    await jobs.getByRole("button", { name: "キャンセル" }).click();
    expect(await jobState(always)).toBe("deferred");
    await ja.close();
  });
});

describe("the Audit log page", () => {
  it("filters the log and exports it as CSV (English)", async () => {
    await page.goto(`${yubin.baseUrl}/admin/audit`);
    const log = page.getByRole("region", { name: "Audit log" });
    await log.getByLabel("Action starts with").fill("queue.");
    await log.getByRole("button", { name: "Search" }).click();
    const rows = log.getByTestId("audit-row");
    await waitFor("two retries listed", async () => (await rows.count()) === 2);
    const texts = await rows.allTextContents();
    expect(texts.every((t) => t.includes("queue.retry") && t.includes("admin@example.com"))).toBe(true);
    expect(texts[0]).toContain(`delivery_job:${job("first-ja@customer.example")}`);
    expect(texts[1]).toContain(`delivery_job:${job("first-en@customer.example")}`);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      log.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^yubin-audit-\d{8}-\d{4}\.csv$/);
    const lines = (await downloaded(download))
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "id,time_utc,actor_id,actor_email,actor_name,action,subject_type,subject_id,client_address,before,after",
    );
    expect(lines.slice(1).map((l) => l.split(",").slice(3, 9))).toEqual([
      [
        "admin@example.com",
        "Administrator",
        "queue.retry",
        "delivery_job",
        String(job("first-ja@customer.example")),
        "127.0.0.1",
      ],
      [
        "admin@example.com",
        "Administrator",
        "queue.retry",
        "delivery_job",
        String(job("first-en@customer.example")),
        "127.0.0.1",
      ],
    ]);
  });

  it("filters the log and exports it as CSV (Japanese)", async () => {
    const ja = await japanese.newPage();
    await ja.goto(`${yubin.baseUrl}/admin/audit`);
    const log = ja.getByRole("region", { name: "監査ログ" });
    await log.getByLabel("操作（前方一致）").fill("sign_in");
    await log.getByLabel("実行者（メールアドレスまたは名前）").fill("admin@");
    await log.getByRole("button", { name: "検索" }).click();
    const rows = log.getByTestId("audit-row");
    await waitFor("the admin's sign-in listed", async () => (await rows.count()) === 1);
    expect(await rows.first().textContent()).toContain("sign_in.success");
    const [download] = await Promise.all([
      ja.waitForEvent("download"),
      log.getByRole("link", { name: "CSV に書き出す" }).click(),
    ]);
    const lines = (await downloaded(download))
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    const admin = await db().user.findUniqueOrThrow({ where: { email: ADMIN.email } });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\d+,[^,]+,${admin.id},admin@example\\.com,Administrator,sign_in\\.success,user,${admin.id},127\\.0\\.0\\.1,,"\\{""door"":""web""\\}"$`,
      ),
    );
    // A range the server refuses is explained in Japanese.
    await log.getByLabel("開始").fill("2020-01-01T00:00");
    await log.getByLabel("終了").fill("2025-01-01T00:00");
    await log.getByRole("button", { name: "検索" }).click();
    await log.getByRole("alert").getByText("1 回の検索は最大 366 日です。期間を短くしてください。").waitFor();
    await ja.close();
  });
});

describe("the Server status page", () => {
  it("lists the running process and the queue depth (English)", async () => {
    await page.goto(`${yubin.baseUrl}/admin/status`);
    const processes = page.getByRole("region", { name: "Processes" });
    const row = processes.getByTestId("status-process");
    expect(await row.count()).toBe(1);
    const text = await row.textContent();
    expect(text).toContain(`process ${yubin.child.pid}`);
    expect(text).toContain("web, delivery");
    expect(text).toContain(`http:${yubin.httpPort}`);
    expect(text).toContain("Up");
    const storage = page.getByRole("region", { name: "Storage and queue" });
    expect(await storage.getByTestId("status-queue").textContent()).toMatch(/^1 job\(s\) waiting, the oldest queued /);
    expect(await storage.getByTestId("status-database-size").textContent()).toMatch(/^\d+(\.\d)? MB$/);
    const chart = page.getByRole("img", { name: /received and \d+ sent in the last 24 hours/ });
    await chart.waitFor();
    expect(await chart.getAttribute("aria-labelledby")).toBeTruthy();
    await page.getByText("Show as a table").click();
    expect(await page.getByTestId("mail-table").locator("tbody tr").count()).toBe(24);
    await page.screenshot({ path: "/tmp/yubin-status.png", fullPage: true });
  });

  it("lists the running process and the queue depth (Japanese)", async () => {
    const ja = await japanese.newPage();
    await ja.goto(`${yubin.baseUrl}/admin/status`);
    const row = ja.getByRole("region", { name: "プロセス" }).getByTestId("status-process");
    expect(await row.textContent()).toContain(`プロセス ${yubin.child.pid}`);
    expect(await row.textContent()).toContain("稼働中");
    const queue = ja.getByRole("region", { name: "容量とキュー" }).getByTestId("status-queue");
    expect(await queue.textContent()).toMatch(/^1 件が待機中（最も古いものは.+）/);
    await ja.getByRole("img", { name: /直近 24 時間で受信 \d+ 通、送信 \d+ 通/ }).waitFor();
    await ja.close();
  });
});
