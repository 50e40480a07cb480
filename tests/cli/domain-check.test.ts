// `yubin domain check|dkim-rotate|dkim-remove` as an operator runs them,
// against a loopback DNS server through YUBIN_DNS_SERVERS: a table and exit 1
// while something required is missing or wrong, --json for machines, exit 0
// once everything is right, and a rotation switched by the check. The table
// and the rotation run as real `yubin` processes; the other calls run the same
// command code in this process (runCliInProcess), since each start costs CPU.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { loadDomainKeys } from "../../server/domains/domain-keys.ts";
import { expectedRecords } from "../../server/domains/expected-records.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { makeDomain } from "../support/factories.ts";

const HOST = "mail.example.com";
let env: Record<string, string>;
let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer();
  env = { DATABASE_URL: await useTestDatabase(), YUBIN_HOSTNAME: HOST, YUBIN_DNS_SERVERS: dns.address };
  await makeDomain("example.com");
});

afterAll(async () => {
  await dns?.close();
  await disconnectDb();
});

async function publishAll(roles = ["required", "optional"]) {
  dns.records.clear();
  for (const r of expectedRecords(await loadDomainKeys("example.com"), HOST).filter((x) => roles.includes(x.role))) {
    const list = dns.records.get(r.name) ?? [];
    if (r.type === "MX") list.push({ type: "MX", preference: 10, exchange: HOST });
    else list.push({ type: "TXT", text: r.value });
    dns.records.set(r.name, list);
  }
}

describe("yubin domain check", () => {
  it("prints a table and exits 1 while records are wrong or missing; --json gives the same verdicts", async () => {
    await publishAll();
    dns.records.set("example.com", [
      { type: "MX", preference: 10, exchange: "mx.elsewhere.net" },
      { type: "TXT", text: "v=spf1 include:spf.elsewhere.net -all" },
    ]);
    dns.records.delete("_dmarc.example.com");
    const [table, json, bad] = await Promise.all([
      runCli(["domain", "check", "example.com"], env),
      runCliInProcess(["domain", "check", "example.com", "--json"], env),
      runCliInProcess(["domain", "check", "example.com", "--yaml"], env),
    ]);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(1);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toMatch(/^RECORD\s+ROLE\s+NAME\s+STATE\s+DETAIL$/);
    expect(lines.find((l) => l.startsWith("MX "))).toMatch(/DIFFERS\s+MX points elsewhere: mx\.elsewhere\.net$/);
    expect(lines.find((l) => l.startsWith("SPF "))).toContain(
      "SPF found but does not include this host (mail.example.com)",
    );
    expect(lines.find((l) => l.startsWith("DKIM "))).toMatch(/MATCHES\s+found, matches$/);
    expect(lines.find((l) => l.startsWith("DMARC "))).toMatch(/_dmarc\.example\.com TXT\s+MISSING\s+missing$/);
    expect(table.stdout).toContain("some required records are missing or wrong");

    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ domain: "example.com", ok: false, switched: null });
    expect(parsed.records.map((r: { kind: string; state: string }) => `${r.kind}:${r.state}`)).toEqual([
      "mx:differs",
      "spf:differs",
      "dkim:matches",
      "dmarc:missing",
      "mta-sts:matches",
      "tls-rpt:matches",
    ]);
    expect(bad.code).toBe(2);
  }, 120_000);

  it("rotates the DKIM key: the check switches signing once the new record is published", async () => {
    const oldSelector = (await loadDomainKeys("example.com")).dkimSelector;
    const rotate = await runCli(["domain", "dkim-rotate", "example.com"], env);
    expect(rotate.code).toBe(0);
    const selector = (await loadDomainKeys("example.com")).dkimNextSelector as string;
    expect(rotate.stdout).toContain(`selector ${selector}: publish this record`);
    expect(rotate.stdout).toMatch(new RegExp(`^${selector}\\._domainkey\\.example\\.com\\.\\tTXT\\t\\( "v=DKIM1`, "m"));

    await publishAll(["required", "optional", "dkim-next"]);
    const check = await runCliInProcess(["domain", "check", "example.com"], env);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`DKIM: now signing with selector ${selector} (was ${oldSelector})`);
    expect(check.stdout).toContain("all required records are published and right");
    expect(check.stdout).toMatch(new RegExp(`^DKIM\\s+former key\\s+${oldSelector}\\._domainkey`, "m"));

    const [removed, signing] = await Promise.all([
      runCliInProcess(["domain", "dkim-remove", "example.com", oldSelector as string], env),
      runCliInProcess(["domain", "dkim-remove", "example.com", selector], env),
    ]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed former DKIM key ${oldSelector} of example.com`);
    expect(signing.code).toBe(1);
    expect(signing.stderr).toBe(
      `yubin: selector ${selector} signs the mail now; rotate to a new key before removing it\n`,
    );
    const actions = (await db().auditEvent.findMany({ orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["domain.dkim_rotate", "domain.dkim_switch", "domain.dkim_remove"]));
  }, 180_000);
});
