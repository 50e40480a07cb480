// The pure parts of the domain check: what each answer means for each record
// (beyond the loopback-DNS cases in tests/store/domain-check.test.ts), the
// records Yubin asks for, rotation selectors, and the rotation refusals in
// the reader's language.
import { describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { describeRecordCheck } from "../../server/domains/describe-check.ts";
import { nextSelector, noSelector, rotationUnderWay, signingSelector } from "../../server/domains/dkim-rotation.ts";
import type { Lookup } from "../../server/domains/dns-lookup.ts";
import { evaluateRecord } from "../../server/domains/evaluate-record.ts";
import { type ExpectedRecord, expectedRecords, zoneText } from "../../server/domains/expected-records.ts";

const HOST = "mail.example.com";
const KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".padEnd(392, "A");
const records = expectedRecords(
  {
    name: "example.com",
    dkimSelector: "yubin202612",
    dkimPublicKey: KEY,
    dkimNextSelector: null,
    dkimNextPublicKey: null,
    retired: [],
  },
  HOST,
);
const record = (kind: string) => records.find((r) => r.kind === kind) as ExpectedRecord;
const answer = (...data: string[]): Lookup => ({ status: "answer", data });
const judge = (kind: string, lookup: Lookup) => evaluateRecord(record(kind), lookup, HOST);

describe("the records to publish", () => {
  it("are MX, SPF, DKIM and DMARC (required), MTA-STS and TLS-RPT (optional), as zone lines", () => {
    expect(records.map((r) => `${r.role} ${r.name} ${r.type}`)).toEqual([
      "required example.com MX",
      "required example.com TXT",
      "required yubin202612._domainkey.example.com TXT",
      "required _dmarc.example.com TXT",
      "optional _mta-sts.example.com TXT",
      "optional _smtp._tls.example.com TXT",
    ]);
    const zone = zoneText(records);
    expect(zone).toContain("example.com.\tMX\t10 mail.example.com.\n");
    // RFC 1035 §3.3.14: a long DKIM value is split into strings of at most 255 octets.
    const dkimLine = zone.split("\n").find((l) => l.startsWith("yubin202612.")) as string;
    expect(dkimLine).toMatch(
      /^yubin202612\._domainkey\.example\.com\.\tTXT\t\( "v=DKIM1; k=rsa; p=MII[^"]{200,}" "[^"]+" \)$/,
    );
    expect(record("dkim").value).toBe(`v=DKIM1; k=rsa; p=${KEY}`);
  });
});

describe("judging an answer", () => {
  it("accepts the SPF forms that let this host send, and only those", () => {
    for (const spf of [
      "v=spf1 mx -all",
      "v=spf1 +mx ~all",
      "v=spf1 a:mail.example.com -all",
      "v=spf1 mx:example.com -all",
      "v=spf1 include:mail.example.com -all",
      "v=spf1 ip4:192.0.2.1 mx -all",
    ]) {
      expect(judge("spf", answer(spf)).state, spf).toBe("matches");
    }
    for (const spf of ["v=spf1 -mx -all", "v=spf1 a -all", "v=spf1 ip4:192.0.2.1 -all", "v=spf1 mx:other.net -all"]) {
      expect(judge("spf", answer(spf)), spf).toMatchObject({ state: "differs", problem: "spf_no_host" });
    }
    // Other TXT records at the name are not SPF.
    expect(judge("spf", answer("google-site-verification=x")).problem).toBe("missing");
  });

  it("knows a null MX, an MX among others, and host names with a trailing dot or capitals", () => {
    expect(judge("mx", answer("0 ")).problem).toBe("mx_null");
    expect(judge("mx", answer("10 mx.backup.net", "20 Mail.Example.COM.")).state).toBe("matches");
    expect(judge("mx", { status: "nodata" })).toMatchObject({ state: "missing", problem: "missing" });
  });

  it("reads DKIM and DMARC tags with spaces and case, and flags what is not a record", () => {
    const spaced = `v=DKIM1;  k=rsa;\tp=${KEY.slice(0, 100)} ${KEY.slice(100)}`;
    expect(judge("dkim", answer(spaced)).state).toBe("matches");
    expect(judge("dkim", answer("hello")).problem).toBe("malformed");
    expect(judge("dmarc", answer("v=DMARC1; p=none")).params).toEqual({ policy: "none" });
    expect(judge("dmarc", answer("v=DMARC1; p=sometimes")).problem).toBe("dmarc_no_policy");
    expect(judge("tls-rpt", answer("v=TLSRPTv1;")).problem).toBe("malformed");
    expect(judge("mta-sts", answer("v=STSv1; id=20261203")).state).toBe("matches");
  });

  it("tells a timeout and a failing resolver apart from a missing record", () => {
    expect(judge("dmarc", { status: "timeout" })).toMatchObject({ state: "timeout", problem: "timeout" });
    expect(judge("dmarc", { status: "error", code: "ESERVFAIL" })).toMatchObject({
      state: "error",
      params: { code: "ESERVFAIL" },
    });
    expect(describeRecordCheck(judge("dmarc", { status: "error", code: "ESERVFAIL" }))).toBe(
      "the DNS server failed (ESERVFAIL)",
    );
    expect(describeRecordCheck(judge("mx", { status: "nxdomain" }))).toBe(
      "example.com does not exist in DNS (NXDOMAIN)",
    );
  });
});

describe("rotation", () => {
  it("names a new selector by the day, numbered when the day's is taken", () => {
    const day = new Date("2026-12-03T23:59:00Z");
    expect(nextSelector(day, new Set(["yubin202612"]))).toBe("yubin20261203");
    expect(nextSelector(day, new Set(["yubin20261203", "yubin20261203-2"]))).toBe("yubin20261203-3");
  });

  it("refusals are shown in the reader's language", () => {
    const tJa = makeT(ja);
    const tEn = makeT(en);
    expect(errorText(rotationUnderWay("example.com", "yubin20261203"), tJa)).toBe(
      "example.com の新しい DKIM 鍵がすでに公開待ちです（セレクター yubin20261203）。",
    );
    expect(errorText(signingSelector("yubin202612"), tEn)).toBe(
      "Selector yubin202612 signs the mail now; rotate to a new key before removing it.",
    );
    expect(errorText(noSelector("example.com", "old"), tJa)).toBe("example.com に DKIM セレクター old はありません。");
  });
});
