// SPF and DMARC verdicts recorded when the message arrived (mailauth). The
// names SPF and DMARC and the verdict words (pass, fail…) are the RFCs' terms
// and stay as they are in every language; the explanation is translated.
import { getT } from "../../../i18n/server.ts";
import type { MessageKey } from "../../../i18n/translate.ts";

const GOOD = "bg-emerald-50 text-emerald-800 ring-emerald-200";
const BAD = "bg-rose-50 text-rose-800 ring-rose-200";
const NEUTRAL = "bg-stone-100 text-slate-600 ring-stone-200";

const TONE: Record<string, string> = { pass: GOOD, fail: BAD, softfail: BAD, permerror: BAD };

const MEANING: Record<"SPF" | "DMARC", MessageKey> = { SPF: "message.spfMeaning", DMARC: "message.dmarcMeaning" };

async function Badge({ check, verdict }: { check: "SPF" | "DMARC"; verdict: string }) {
  const t = await getT();
  return (
    <span
      title={t(MEANING[check])}
      className={`inline-flex rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${TONE[verdict] ?? NEUTRAL}`}
    >
      {check} {verdict}
    </span>
  );
}

export function AuthBadges({ authentication }: { authentication: { spf?: string; dmarc?: string } | null }) {
  if (!authentication || (!authentication.spf && !authentication.dmarc)) return null;
  return (
    <span className="flex flex-wrap gap-1.5">
      {authentication.spf ? <Badge check="SPF" verdict={authentication.spf} /> : null}
      {authentication.dmarc ? <Badge check="DMARC" verdict={authentication.dmarc} /> : null}
    </span>
  );
}
