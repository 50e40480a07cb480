// RFC 7489 §6.6: what the MX does with a message by its DMARC verdict, the
// From domain's policy and pct, and the recipient domain's enforcement.
import { describe, expect, it } from "vitest";
import { dmarcDisposition } from "../../mail-daemons/smtp/dmarc-disposition.ts";
import type { AuthVerdicts, DmarcEnforcement } from "../../mail-daemons/smtp/mx-backend.ts";

const verdict = (result: string, policy: string | null, pct = 100): AuthVerdicts["dmarc"] =>
  ({ result, policy, pct, fromDomain: "sender.example" }) as AuthVerdicts["dmarc"];

describe("dmarcDisposition", () => {
  it.each<[string, string | null, number, DmarcEnforcement, number, string]>([
    ["pass", "reject", 100, "policy", 0, "deliver"],
    ["none", null, 100, "policy", 0, "deliver"],
    ["temperror", "reject", 100, "policy", 0, "deliver"],
    ["fail", "none", 100, "policy", 0, "deliver"],
    ["fail", "quarantine", 100, "policy", 99.9, "quarantine"],
    ["fail", "reject", 100, "policy", 99.9, "reject"],
    ["fail", "reject", 100, "quarantine", 0, "quarantine"],
    ["fail", "reject", 100, "off", 0, "deliver"],
    ["fail", "quarantine", 100, "off", 0, "deliver"],
    // §6.6.4: pct% get the policy, the rest the next less strict one.
    ["fail", "reject", 30, "policy", 29.9, "reject"],
    ["fail", "reject", 30, "policy", 30, "quarantine"],
    ["fail", "quarantine", 0, "policy", 0, "deliver"],
  ])("dmarc=%s p=%s pct=%d, enforcement %s, sample %d → %s", (result, policy, pct, enforcement, sample, expected) => {
    expect(dmarcDisposition(verdict(result, policy, pct), enforcement, sample)).toBe(expected);
  });
});
