import { describe, expect, it } from "vitest";
import { DNS_CACHE_SECONDS, withDnsCache } from "../../mail-daemons/shared/dns-cache.ts";

function fakeResolver(answers: Record<string, string[][] | string>) {
  const calls: string[] = [];
  const resolve = async (name: string, rrtype: string) => {
    calls.push(`${rrtype} ${name}`);
    const answer = answers[name];
    if (typeof answer === "string") throw Object.assign(new Error(answer), { code: answer });
    if (!answer) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    return answer;
  };
  return { resolve, calls };
}

describe("withDnsCache", () => {
  it("reuses answers and NXDOMAIN until they expire, case-insensitively", async () => {
    let clock = 0;
    const fake = fakeResolver({ "example.com": [["v=spf1 -all"]] });
    const cached = withDnsCache(fake.resolve, () => clock);
    expect(await cached("example.com", "TXT")).toEqual([["v=spf1 -all"]]);
    expect(await cached("EXAMPLE.com", "TXT")).toEqual([["v=spf1 -all"]]);
    await expect(cached("missing.example", "TXT")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(cached("missing.example", "TXT")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(fake.calls).toEqual(["TXT example.com", "TXT missing.example"]);
    clock += DNS_CACHE_SECONDS * 1000 + 1;
    await cached("example.com", "TXT");
    expect(fake.calls).toHaveLength(3);
  });

  it("never caches a timeout or a server failure", async () => {
    const fake = fakeResolver({ "slow.example": "ETIMEOUT", "broken.example": "ESERVFAIL" });
    const cached = withDnsCache(fake.resolve);
    for (let i = 0; i < 2; i++) {
      await expect(cached("slow.example", "TXT")).rejects.toMatchObject({ code: "ETIMEOUT" });
      await expect(cached("broken.example", "MX")).rejects.toMatchObject({ code: "ESERVFAIL" });
    }
    expect(fake.calls).toHaveLength(4);
  });
});
