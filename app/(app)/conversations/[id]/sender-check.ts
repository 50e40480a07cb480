// What the SPF and DMARC verdicts recorded at arrival (mailauth) say about the
// sender, in one plain word for the message header. DMARC decides when it
// has a verdict, since it is the check about the From address the reader
// sees; without one (the domain publishes no policy) SPF's pass or hard fail
// stands in. Everything else — temperror, permerror, neutral, softfail,
// none — could not verify the sender either way.

export type SenderCheck = "verified" | "unverified" | "failed";

export function senderCheck(authentication: { spf?: string; dmarc?: string }): SenderCheck {
  const { spf, dmarc } = authentication;
  if (dmarc === "pass") return "verified";
  if (dmarc === "fail") return "failed";
  const noPolicy = dmarc === undefined || dmarc === "none";
  if (noPolicy && spf === "pass") return "verified";
  if (spf === "fail") return "failed";
  return "unverified";
}
