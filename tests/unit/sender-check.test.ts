import { describe, expect, it } from "vitest";
import { senderCheck } from "../../app/(app)/conversations/[id]/sender-check.ts";

describe("senderCheck", () => {
  it("trusts DMARC's verdict first", () => {
    expect(senderCheck({ spf: "fail", dmarc: "pass" })).toBe("verified");
    expect(senderCheck({ spf: "pass", dmarc: "fail" })).toBe("failed");
    expect(senderCheck({ spf: "pass", dmarc: "temperror" })).toBe("unverified");
    expect(senderCheck({ spf: "pass", dmarc: "permerror" })).toBe("unverified");
  });

  it("lets SPF stand in where the domain publishes no DMARC policy", () => {
    expect(senderCheck({ spf: "pass", dmarc: "none" })).toBe("verified");
    expect(senderCheck({ spf: "pass" })).toBe("verified");
    expect(senderCheck({ spf: "fail", dmarc: "none" })).toBe("failed");
    expect(senderCheck({ spf: "fail" })).toBe("failed");
  });

  it("could not verify anything else", () => {
    expect(senderCheck({ spf: "temperror", dmarc: "temperror" })).toBe("unverified");
    expect(senderCheck({ spf: "softfail", dmarc: "none" })).toBe("unverified");
    expect(senderCheck({ spf: "neutral" })).toBe("unverified");
    expect(senderCheck({ spf: "none", dmarc: "none" })).toBe("unverified");
    expect(senderCheck({ dmarc: "none" })).toBe("unverified");
  });
});
