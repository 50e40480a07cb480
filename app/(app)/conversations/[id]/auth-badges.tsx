"use client";
// The sender check of a message, from the SPF and DMARC verdicts recorded
// when it arrived: a plain summary ("Sender verified", "Could not verify
// sender", "Failed: possibly forged"), with the verdicts themselves on hover
// and as the badge's accessible description. The names SPF and DMARC and the
// verdict words (pass, temperror…) are the RFCs' terms and stay as they are
// in every language; the explanation is translated.
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { type SenderCheck, senderCheck } from "./sender-check.ts";

const TONE: Record<SenderCheck, string> = {
  verified: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  unverified: "bg-stone-100 text-slate-600 ring-stone-200",
  failed: "bg-rose-50 text-rose-800 ring-rose-200",
};

const SUMMARY: Record<SenderCheck, MessageKey> = {
  verified: "message.senderVerified",
  unverified: "message.senderUnverified",
  failed: "message.senderFailed",
};

const EXPLANATION: Record<SenderCheck, MessageKey> = {
  verified: "message.senderVerifiedMeaning",
  unverified: "message.senderUnverifiedMeaning",
  failed: "message.senderFailedMeaning",
};

export function AuthBadges({
  messageId,
  authentication,
}: {
  messageId: number;
  authentication: { spf?: string; dmarc?: string } | null;
}) {
  const t = useT();
  if (!authentication || (!authentication.spf && !authentication.dmarc)) return null;
  const check = senderCheck(authentication);
  const verdicts = [
    ...(authentication.spf ? [`SPF ${authentication.spf}`] : []),
    ...(authentication.dmarc ? [`DMARC ${authentication.dmarc}`] : []),
  ].join(" · ");
  const meanings = [
    ...(authentication.spf ? [t("message.spfMeaning")] : []),
    ...(authentication.dmarc ? [t("message.dmarcMeaning")] : []),
  ];
  const details = [`${t(EXPLANATION[check])} (${verdicts})`, ...meanings].join("\n");
  const detailsId = `message-${messageId}-sender-check`;
  return (
    <>
      <span
        data-testid="sender-check"
        data-check={check}
        title={details}
        aria-describedby={detailsId}
        className={`inline-flex rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${TONE[check]}`}
      >
        {t(SUMMARY[check])}
      </span>
      {/* Referenced as the description; hidden from the reading order, which has the summary. */}
      <span id={detailsId} hidden>
        {details}
      </span>
    </>
  );
}
