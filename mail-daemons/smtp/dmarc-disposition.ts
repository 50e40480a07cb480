// What the MX does with a message by DMARC (RFC 7489 §6.6): the From domain's
// policy for mail that fails, as far as the recipient's domain lets it
// (Domain.dmarcEnforcement, `yubin domain set DOMAIN --dmarc …`). Pure.
//
// No override for a passing ARC chain (RFC 8617 §7.2 leaves that to local
// policy): without a list of sealers we trust, anyone can seal their own
// forgery. A temperror (the From domain's DNS did not answer) is accepted, as
// RFC 7489 §6.6.3 allows; the verdict is stored and shown either way.
import type { AuthVerdicts, DmarcEnforcement } from "./mx-backend.ts";

export type Disposition = "deliver" | "quarantine" | "reject";

const LESS_STRICT: Record<Disposition, Disposition> = {
  reject: "quarantine",
  quarantine: "deliver",
  deliver: "deliver",
};

/**
 * `sample` is a number in [0, 100) drawn once per message (Math.random() * 100
 * by default): RFC 7489 §6.6.4 applies the policy to pct% of failing mail and
 * the next less strict one to the rest.
 */
export function dmarcDisposition(
  dmarc: AuthVerdicts["dmarc"],
  enforcement: DmarcEnforcement,
  sample: number,
): Disposition {
  if (dmarc.result !== "fail" || enforcement === "off") return "deliver";
  const asked: Disposition =
    dmarc.policy === "reject" ? "reject" : dmarc.policy === "quarantine" ? "quarantine" : "deliver";
  const sampled = sample < dmarc.pct ? asked : LESS_STRICT[asked];
  return enforcement === "quarantine" && sampled === "reject" ? "quarantine" : sampled;
}
