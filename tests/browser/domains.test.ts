// Admin → Domains in Chromium, against a loopback DNS server (YUBIN_DNS_SERVERS):
// the records to publish with copy buttons (the clipboard gets the exact
// value), Check DNS showing per record what was found, what matches and what
// differs, a DKIM rotation switched by the check — in English, then in
// Japanese with a resolver that does not answer for one name.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { loadDomainKeys } from "../../server/domains/domain-keys.ts";
import { expectedRecords } from "../../server/domains/expected-records.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { startMailApp } from "../support/mail-app.ts";
import type { YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "domains e2e password" };
// startMailApp runs Yubin as host 127.0.0.1: that is the MX the records name.
const HOST = "127.0.0.1";

let dns: DnsServer;
let yubin: YubinProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** What the browser logged as errors (a hydration mismatch among them). */
const consoleErrors: string[] = [];

async function publish(roles = ["required", "optional"]) {
  dns.records.clear();
  dns.silent.clear();
  for (const r of expectedRecords(await loadDomainKeys("example.com"), HOST).filter((x) => roles.includes(x.role))) {
    const list = dns.records.get(r.name) ?? [];
    if (r.type === "MX") list.push({ type: "MX", preference: 10, exchange: HOST });
    else list.push({ type: "TXT", text: r.value });
    dns.records.set(r.name, list);
  }
}

beforeAll(async () => {
  dns = await startDnsServer();
  ({ yubin } = await startMailApp({ admin: ADMIN, roles: "web", env: { YUBIN_DNS_SERVERS: dns.address } }));
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: yubin.baseUrl });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await yubin?.stop();
  await dns?.close();
  await disconnectDb();
});

const state = (p: Page, kind: string, key: string) => p.getByTestId(`check-${kind}-${key}`);

describe("Admin → Domains", () => {
  it("copies a record, checks DNS per record, and rotates the DKIM key through a check", async () => {
    const keys = await loadDomainKeys("example.com");
    const selector = keys.dkimSelector as string;
    await publish();
    // An SPF record from before, without this host, and no DMARC record yet.
    dns.records.set("example.com", [
      { type: "MX", preference: 10, exchange: HOST },
      { type: "TXT", text: "v=spf1 include:spf.old-provider.net ~all" },
    ]);
    dns.records.delete("_dmarc.example.com");

    await signIn(page, yubin.baseUrl, ADMIN);
    await page.goto(`${yubin.baseUrl}/admin/domains`);
    const table = page.getByRole("table", { name: "DNS records for example.com" });
    await table.waitFor();
    expect(await table.getByRole("row").count()).toBe(7);
    await table.getByText("Not checked yet").first().waitFor();

    // Copy: the clipboard holds exactly the record's value.
    const dkimName = `${selector}._domainkey.example.com`;
    const copy = page.getByRole("button", { name: `Copy the DKIM value for ${dkimName}` });
    await copy.click();
    await expect.poll(() => copy.innerText()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`v=DKIM1; k=rsa; p=${keys.dkimPublicKey}`);

    await page.getByRole("button", { name: "Check the DNS records of example.com" }).click();
    await page.getByRole("status").filter({ hasText: "Some required records are missing or wrong." }).waitFor();
    expect(await state(page, "mx", "example.com").getAttribute("data-state")).toBe("matches");
    expect(await state(page, "mx", "example.com").innerText()).toContain("Found, matches");
    const spf = state(page, "spf", "example.com");
    expect(await spf.getAttribute("data-state")).toBe("differs");
    expect(await spf.innerText()).toContain("SPF found but does not include this host (127.0.0.1).");
    expect(await spf.innerText()).toContain("Found: v=spf1 include:spf.old-provider.net ~all");
    expect(await state(page, "dkim", selector).innerText()).toContain("Found, matches");
    const dmarc = state(page, "dmarc", "_dmarc.example.com");
    expect(await dmarc.getAttribute("data-state")).toBe("missing");
    expect(await dmarc.innerText()).toContain("No such record is published.");
    await page.screenshot({ path: "/tmp/yubin-domains-check.png", fullPage: true });

    // Rotate: the new key is listed to add; once published, the check switches signing to it.
    await page.getByRole("button", { name: "Rotate the DKIM key of example.com" }).click();
    await page.getByRole("status").filter({ hasText: "New DKIM key" }).waitFor();
    const next = (await loadDomainKeys("example.com")).dkimNextSelector as string;
    await table.getByText("New key: add now").waitFor();
    await publish(["required", "optional", "dkim-next"]);
    await page.getByRole("button", { name: "Check the DNS records of example.com" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `DKIM now signs with the new key ${next} (was ${selector})` })
      .waitFor();
    await page.getByRole("status").filter({ hasText: "Every required record is published and right." }).waitFor();
    await table.getByText("Former key: keep until removed").waitFor();
    expect((await db().domain.findUniqueOrThrow({ where: { name: "example.com" } })).dkimSelector).toBe(next);

    // The former key stays listed until removed here.
    await page.getByRole("button", { name: `Remove DKIM key ${selector}` }).click();
    await page.getByRole("button", { name: `Yes, remove ${selector}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Removed DKIM key ${selector}.` })
      .waitFor();
    await expect.poll(() => table.getByText("Former key: keep until removed").count()).toBe(0);
    await page.screenshot({ path: "/tmp/yubin-domains-rotated.png", fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  it("speaks Japanese, and reports a DNS server that does not answer", async () => {
    await publish();
    dns.silent.add("_smtp._tls.example.com");
    const ja = await browser.newContext({
      locale: "ja-JP",
      viewport: { width: 1280, height: 1400 },
      storageState: await context.storageState(),
    });
    const p = await ja.newPage();
    p.setDefaultTimeout(20_000);
    await p.goto(`${yubin.baseUrl}/admin/domains`);
    await p.getByRole("table", { name: "example.com の DNS レコード" }).waitFor();
    await p.getByRole("button", { name: "example.com の DNS レコードを確認" }).click();
    await p.getByRole("status").filter({ hasText: "必須のレコードはすべて正しく公開されています。" }).waitFor();
    expect(await state(p, "mx", "example.com").innerText()).toContain("あり・一致");
    const tls = state(p, "tls-rpt", "_smtp._tls.example.com");
    expect(await tls.getAttribute("data-state")).toBe("timeout");
    expect(await tls.innerText()).toContain("DNS サーバーが時間内に応答しませんでした。");

    // And what differs, in Japanese.
    dns.records.set("example.com", [{ type: "MX", preference: 10, exchange: "mx.other.example" }]);
    await p.getByRole("button", { name: "example.com の DNS レコードを確認" }).click();
    await p
      .getByRole("status")
      .filter({ hasText: "必須のレコードに、見つからないものか正しくないものがあります。" })
      .waitFor();
    expect(await state(p, "mx", "example.com").innerText()).toContain(
      "MX が別のホストを指しています: mx.other.example（期待値 127.0.0.1）。",
    );
    expect(await state(p, "spf", "example.com").innerText()).toContain("このレコードは公開されていません。");
    await p.screenshot({ path: "/tmp/yubin-domains-ja.png", fullPage: true });
    await ja.close();
  }, 120_000);
});
