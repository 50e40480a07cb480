// The domain check against a loopback DNS server (the outside world's DNS):
// each record found and right, found but different (SPF without this host,
// another DKIM key, MX elsewhere, two DMARC records), missing, NXDOMAIN and a
// resolver that never answers; then a DKIM rotation end to end — the new key
// listed beside the old, the check switching signing to it once published
// (a message signed afterwards verifies with mailauth under the new
// selector), the old key kept listed until removed, and every step audited.
import { authenticate } from "mailauth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDnsResolver } from "../../mail-daemons/shared/dns-resolver.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { checkDomain, type DomainCheck } from "../../server/domains/check-domain.ts";
import { removeDkimSelector, startDkimRotation } from "../../server/domains/dkim-rotation.ts";
import { createLookup } from "../../server/domains/dns-lookup.ts";
import { loadDomainKeys } from "../../server/domains/domain-keys.ts";
import { type ExpectedRecord, expectedRecords } from "../../server/domains/expected-records.ts";
import { dkimKeyFor, forgetDkimKeys } from "../../server/outbound/dkim-keys.ts";
import { dkimSignatureField } from "../../server/outbound/dkim-sign.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsRecord, type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { makeDomain } from "../support/factories.ts";

const HOST = "mail.example.com";
let dns: DnsServer;

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain("example.com");
  dns = await startDnsServer();
});

afterAll(async () => {
  await dns?.close();
  await disconnectDb();
});

/** Publishes exactly what Yubin asks for (the given roles), as a careful operator would. */
function publish(records: ExpectedRecord[], roles = ["required", "optional"]) {
  dns.records.clear();
  dns.silent.clear();
  for (const r of records.filter((x) => roles.includes(x.role)))
    add(r.name, r.type === "MX" ? mx(r.value) : txt(r.value));
}

function add(name: string, record: DnsRecord) {
  const list = dns.records.get(name) ?? [];
  list.push(record);
  dns.records.set(name, list);
}

const txt = (text: string): DnsRecord => ({ type: "TXT", text });
const mx = (value: string): DnsRecord => {
  const [preference, exchange] = value.split(" ");
  return { type: "MX", preference: Number(preference), exchange: exchange?.replace(/\.$/, "") ?? "" };
};

async function expected(): Promise<ExpectedRecord[]> {
  return expectedRecords(await loadDomainKeys("example.com"), HOST);
}

function check(timeoutMs = 1_000): Promise<DomainCheck> {
  return checkDomain({
    domain: "example.com",
    mailHostname: HOST,
    lookup: createLookup([dns.address], timeoutMs),
    actorId: null,
  });
}

const byKind = (c: DomainCheck, kind: string, role = "required") =>
  c.records.find((r) => r.kind === kind && r.role === role);

describe("checking a domain's records", () => {
  beforeEach(async () => publish(await expected()));

  it("finds every record published as asked: all match", async () => {
    const result = await check();
    expect(result.ok).toBe(true);
    expect(result.records.map((r) => [r.kind, r.role, r.state])).toEqual([
      ["mx", "required", "matches"],
      ["spf", "required", "matches"],
      ["dkim", "required", "matches"],
      ["dmarc", "required", "matches"],
      ["mta-sts", "optional", "matches"],
      ["tls-rpt", "optional", "matches"],
    ]);
    expect(byKind(result, "mx")?.found).toEqual([`10 ${HOST}`]);
    // Each name and type asked once (SPF's TXT is not asked again for anything else).
    const asked = dns.queries.splice(0).map((q) => `${q.type} ${q.name}`);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it("says what differs: MX elsewhere, SPF without this host, another DKIM key, a DMARC record without a policy", async () => {
    const keys = await loadDomainKeys("example.com");
    dns.records.set("example.com", [
      { type: "MX", preference: 10, exchange: "mx.other-provider.net" },
      txt("v=spf1 include:_spf.other-provider.net ~all"),
      txt("google-site-verification=abc"),
    ]);
    dns.records.set(`${keys.dkimSelector}._domainkey.example.com`, [
      txt("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAother"),
    ]);
    dns.records.set("_dmarc.example.com", [txt("v=DMARC1; rua=mailto:dmarc@example.com")]);
    const result = await check();
    expect(result.ok).toBe(false);
    expect(byKind(result, "mx")).toMatchObject({
      state: "differs",
      problem: "mx_elsewhere",
      params: { found: "mx.other-provider.net", expected: HOST },
    });
    expect(byKind(result, "spf")).toMatchObject({
      state: "differs",
      problem: "spf_no_host",
      found: ["v=spf1 include:_spf.other-provider.net ~all"],
    });
    expect(byKind(result, "dkim")).toMatchObject({ state: "differs", problem: "dkim_key_differs" });
    expect(byKind(result, "dmarc")).toMatchObject({ state: "differs", problem: "dmarc_no_policy" });
  });

  it("says what differs when records are doubled or revoked", async () => {
    const keys = await loadDomainKeys("example.com");
    add("example.com", txt("v=spf1 a -all"));
    add("_dmarc.example.com", txt("v=DMARC1; p=reject"));
    dns.records.set(`${keys.dkimSelector}._domainkey.example.com`, [txt("v=DKIM1; k=rsa; p=")]);
    const result = await check();
    expect(byKind(result, "spf")?.problem).toBe("spf_multiple");
    expect(byKind(result, "dmarc")?.problem).toBe("dmarc_multiple");
    expect(byKind(result, "dkim")?.problem).toBe("dkim_revoked");
    expect(byKind(result, "mx")?.state).toBe("matches");
  });

  it("reports a missing record, and a domain not in DNS at all as NXDOMAIN", async () => {
    dns.records.delete("_dmarc.example.com");
    dns.records.delete("_smtp._tls.example.com");
    let result = await check();
    expect(byKind(result, "dmarc")).toMatchObject({ state: "missing", problem: "missing", found: [] });
    expect(byKind(result, "tls-rpt", "optional")).toMatchObject({ state: "missing" });
    expect(result.ok).toBe(false);

    dns.records.clear();
    result = await check();
    expect(byKind(result, "mx")).toMatchObject({ state: "missing", problem: "nxdomain" });
    expect(byKind(result, "spf")).toMatchObject({ state: "missing", problem: "nxdomain" });
    expect(byKind(result, "dkim")).toMatchObject({ state: "missing", problem: "missing" });
  });

  it("reports a resolver that does not answer as a timeout, record by record", async () => {
    dns.silent.add("_dmarc.example.com");
    const result = await check(300);
    expect(byKind(result, "dmarc")).toMatchObject({ state: "timeout", problem: "timeout" });
    expect(byKind(result, "mx")?.state).toBe("matches");
    expect(result.ok).toBe(false);
  });

  it("reports an unreachable resolver as a timeout for every record", async () => {
    // A closed port on the loopback: nothing answers there.
    const closed = await startDnsServer();
    const address = closed.address;
    await closed.close();
    const result = await checkDomain({
      domain: "example.com",
      mailHostname: HOST,
      lookup: createLookup([address], 300),
      actorId: null,
    });
    expect(new Set(result.records.map((r) => r.state))).toEqual(new Set(["timeout"]));
  });
});

describe("DKIM key rotation", () => {
  it("publishes a new selector beside the old, switches when the check sees it, keeps the old until removed", async () => {
    const before = await loadDomainKeys("example.com");
    const oldSelector = before.dkimSelector as string;
    publish(await expected());
    const started = await startDkimRotation({
      domain: "example.com",
      actorId: null,
      now: new Date("2026-12-03T10:00:00Z"),
    });
    expect(started).toMatchObject({ selector: "yubin20261203", signing: false });
    await expect(startDkimRotation({ domain: "example.com", actorId: null })).rejects.toThrow(
      "a new DKIM key for example.com is already waiting to be published (selector yubin20261203)",
    );

    // Listed as a record to add; not yet published: the old key still signs.
    let records = await expected();
    const next = records.find((r) => r.role === "dkim-next");
    expect(next).toMatchObject({ name: "yubin20261203._domainkey.example.com", selector: "yubin20261203" });
    let result = await check();
    expect(result.switched).toBeNull();
    expect(result.ok).toBe(true);
    expect(byKind(result, "dkim", "dkim-next")).toMatchObject({ state: "missing" });
    forgetDkimKeys();
    expect((await dkimKeyFor("example.com"))?.selector).toBe(oldSelector);

    // Published beside the old one: the check switches signing to it.
    publish(records, ["required", "optional", "dkim-next"]);
    result = await check();
    expect(result.switched).toEqual({ from: oldSelector, to: "yubin20261203" });
    expect(result.ok).toBe(true);
    expect(result.records.filter((r) => r.kind === "dkim").map((r) => [r.selector, r.role, r.state])).toEqual([
      ["yubin20261203", "required", "matches"],
      [oldSelector, "dkim-retired", "matches"],
    ]);
    const key = await dkimKeyFor("example.com");
    expect(key?.selector).toBe("yubin20261203");

    // Mail signed now verifies against the published new record.
    const raw = Buffer.from(
      "From: a@example.com\r\nTo: b@customer.test\r\nSubject: rotated\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <r@example.com>\r\n\r\nHello\r\n",
    );
    const signed = Buffer.concat([Buffer.from(dkimSignatureField(raw, key as NonNullable<typeof key>)), raw]);
    const verdict = await authenticate(signed, {
      ip: "127.0.0.1",
      helo: HOST,
      sender: "a@example.com",
      mta: "mx.customer.test",
      resolver: createDnsResolver([dns.address]),
    });
    expect(verdict.dkim.results.map((r) => [r.status.result, r.selector])).toEqual([["pass", "yubin20261203"]]);

    // A second check changes nothing more; the signing key cannot be removed; the old one can.
    expect((await check()).switched).toBeNull();
    await expect(
      removeDkimSelector({ domain: "example.com", selector: "yubin20261203", actorId: null }),
    ).rejects.toThrow("selector yubin20261203 signs the mail now");
    await expect(removeDkimSelector({ domain: "example.com", selector: "nope", actorId: null })).rejects.toThrow(
      "no DKIM selector nope for example.com",
    );
    expect(await removeDkimSelector({ domain: "example.com", selector: oldSelector, actorId: null })).toMatchObject({
      removed: "retired",
    });
    records = await expected();
    expect(records.filter((r) => r.kind === "dkim").map((r) => r.selector)).toEqual(["yubin20261203"]);

    // A second rotation the same day gets its own selector, and can be cancelled before it is published.
    const again = await startDkimRotation({
      domain: "example.com",
      actorId: null,
      now: new Date("2026-12-03T11:00:00Z"),
    });
    expect(again.selector).toBe("yubin20261203-2");
    expect(await removeDkimSelector({ domain: "example.com", selector: again.selector, actorId: null })).toMatchObject({
      removed: "next",
    });
    expect((await loadDomainKeys("example.com")).dkimNextSelector).toBeNull();

    const audit = await db().auditEvent.findMany({
      where: { action: { startsWith: "domain.dkim" } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((e) => e.action)).toEqual([
      "domain.dkim_rotate",
      "domain.dkim_switch",
      "domain.dkim_remove",
      "domain.dkim_rotate",
      "domain.dkim_remove",
    ]);
    expect(audit[1]?.after).toEqual({ selector: "yubin20261203" });
  });
});
