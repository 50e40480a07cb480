// Admin → Domains through tRPC as the browser calls it: the check resolves
// through YUBIN_DNS_SERVERS (here a loopback DNS server), a rotation started
// from the page is switched by the check, and bad input is refused on the
// server with a reason the page translates. (Agents: tests/api/authority.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { makeDomain, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "admin-domains-test-secret-0123456789";
const callerFor = sessionCaller(SECRET);
let dns: DnsServer;
let adminId = 0;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  dns = await startDnsServer();
  process.env.YUBIN_DNS_SERVERS = dns.address;
  await makeDomain("example.com");
  adminId = await makeUser("admin@example.com", { admin: true });
});

afterAll(async () => {
  delete process.env.YUBIN_DNS_SERVERS;
  await dns?.close();
  await disconnectDb();
});

describe("admin.domains", () => {
  it("lists the records to publish and checks them through YUBIN_DNS_SERVERS", async () => {
    const admin = await callerFor(adminId);
    const [domain] = await admin.admin.domains.list();
    expect(domain?.records.map((r) => [r.kind, r.role, r.name])).toEqual([
      ["mx", "required", "example.com"],
      ["spf", "required", "example.com"],
      ["dkim", "required", `${domain?.records[2]?.selector}._domainkey.example.com`],
      ["dmarc", "required", "_dmarc.example.com"],
      ["mta-sts", "optional", "_mta-sts.example.com"],
      ["tls-rpt", "optional", "_smtp._tls.example.com"],
    ]);
    dns.records.set("example.com", [{ type: "MX", preference: 10, exchange: "mail.example.com" }]);
    const result = await admin.admin.domains.check({ name: " Example.COM " });
    expect(result.domain).toBe("example.com");
    expect(result.records.map((r) => r.state)).toEqual([
      "matches",
      "missing",
      "missing",
      "missing",
      "missing",
      "missing",
    ]);
    expect(dns.queries.map((q) => `${q.type} ${q.name}`)).toContain("MX example.com");
  });

  it("rotates the DKIM key: the check switches to it once published", async () => {
    const admin = await callerFor(adminId);
    const { selector } = await admin.admin.domains.rotateDkim({ name: "example.com" });
    const listed = (await admin.admin.domains.list())[0]?.records.find((r) => r.role === "dkim-next");
    expect(listed?.selector).toBe(selector);
    dns.records.set(`${selector}._domainkey.example.com`, [{ type: "TXT", text: listed?.value as string }]);
    const result = await admin.admin.domains.check({ name: "example.com" });
    expect(result.switched?.to).toBe(selector);
    const roles = (await admin.admin.domains.list())[0]?.records.filter((r) => r.kind === "dkim").map((r) => r.role);
    expect(roles).toEqual(["required", "dkim-retired"]);
  });

  it("refuses bad input on the server, in words the page translates", async () => {
    const admin = await callerFor(adminId);
    const tJa = makeT(ja);
    const cases: [() => Promise<unknown>, string, string][] = [
      [
        () => admin.admin.domains.check({ name: "exa mple" }),
        "BAD_REQUEST",
        "「exa mple」は有効なドメイン名ではありません。",
      ],
      [() => admin.admin.domains.check({ name: "" }), "BAD_REQUEST", "ドメイン名を入力してください。"],
      [() => admin.admin.domains.check({ name: "other.org" }), "NOT_FOUND", "other.org は存在しません。"],
      [
        () => admin.admin.domains.removeDkimKey({ name: "example.com", selector: " " }),
        "BAD_REQUEST",
        "DKIM セレクターを指定してください。",
      ],
      [
        () => admin.admin.domains.removeDkimKey({ name: "example.com", selector: "nothing" }),
        "NOT_FOUND",
        "example.com に DKIM セレクター nothing はありません。",
      ],
    ];
    for (const [call, code, text] of cases) {
      const error = await trpcError(call());
      expect(error.code).toBe(code);
      expect(errorText(error.message, tJa)).toContain(text);
    }
    const signing = (await admin.admin.domains.list())[0]?.records.find((r) => r.kind === "dkim")?.selector as string;
    const refused = await trpcError(admin.admin.domains.removeDkimKey({ name: "example.com", selector: signing }));
    expect(errorText(refused.message, tJa)).toBe(
      `セレクター ${signing} は現在署名に使われています。削除する前に新しい鍵に更新してください。`,
    );
    await admin.admin.domains.rotateDkim({ name: "example.com" });
    const twice = await trpcError(admin.admin.domains.rotateDkim({ name: "example.com" }));
    expect(twice.code).toBe("CONFLICT");
    expect(errorText(twice.message, tJa)).toMatch(/^example\.com の新しい DKIM 鍵がすでに公開待ちです/);
  });
});
