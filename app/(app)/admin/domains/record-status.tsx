"use client";
// One record's check result in the reader's language: the state, and what
// differs (the server gives a problem code; server/domains/evaluate-record.ts).
import type { RecordCheck } from "../../../../server/domains/evaluate-record.ts";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";

const PROBLEMS: Record<NonNullable<RecordCheck["problem"]>, MessageKey> = {
  nxdomain: "domains.problem.nxdomain",
  missing: "domains.problem.missing",
  timeout: "domains.problem.timeout",
  dns_error: "domains.problem.dnsError",
  mx_elsewhere: "domains.problem.mxElsewhere",
  mx_null: "domains.problem.mxNull",
  spf_no_host: "domains.problem.spfNoHost",
  spf_multiple: "domains.problem.spfMultiple",
  dkim_key_differs: "domains.problem.dkimKeyDiffers",
  dkim_revoked: "domains.problem.dkimRevoked",
  dmarc_no_policy: "domains.problem.dmarcNoPolicy",
  dmarc_multiple: "domains.problem.dmarcMultiple",
  malformed: "domains.problem.malformed",
};

const STATES: Record<RecordCheck["state"], { key: MessageKey; tone: string }> = {
  matches: { key: "domains.state.matches", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  differs: { key: "domains.state.differs", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
  missing: { key: "domains.state.missing", tone: "bg-rose-50 text-rose-800 ring-rose-200" },
  timeout: { key: "domains.state.timeout", tone: "bg-stone-100 text-slate-700 ring-stone-300" },
  error: { key: "domains.state.error", tone: "bg-stone-100 text-slate-700 ring-stone-300" },
};

export function RecordStatus({ check }: { check: RecordCheck }) {
  const t = useT();
  const state = STATES[check.state];
  // A new key not yet published is the expected state during a rotation, not a fault.
  const tone = check.role === "dkim-next" && check.state === "missing" ? STATES.timeout.tone : state.tone;
  const problem =
    check.problem === "missing" && check.role === "dkim-next"
      ? t("domains.problem.missingNext")
      : check.problem
        ? t(PROBLEMS[check.problem], check.params)
        : check.kind === "dmarc" && check.params.policy === "none"
          ? t("domains.dmarcNone")
          : null;
  const showFound = check.found.length > 0 && check.state !== "matches";
  return (
    <div
      data-testid={`check-${check.kind}-${check.selector ?? check.name}`}
      data-state={check.state}
      className="space-y-1"
    >
      <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ring-1 ${tone}`}>{t(state.key)}</span>
      {problem ? <p className="text-xs text-slate-700">{problem}</p> : null}
      {showFound ? (
        <p className="font-mono text-[11px] break-all text-slate-500">
          {t("domains.found", { value: check.found.join(" | ") })}
        </p>
      ) : null}
    </div>
  );
}
