"use client";
import { useQuery } from "@tanstack/react-query";
import { QUOTA_PAGE_REFRESH_MS } from "../../../../server/limits.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import type { MailboxUsage } from "../../../../server/quotas/quota-overview.ts";
import { limitShares } from "../../../../server/quotas/usage-share.ts";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { QuotaLimitsForm } from "./quota-limits-form.tsx";
import { RecalculateButton } from "./recalculate-button.tsx";
import { UsageBar } from "./usage-bar.tsx";

/** Every mailbox's usage, re-read every few seconds so that the bars follow arriving mail. */
export function QuotaList({ initial }: { initial: MailboxUsage[] }) {
  const trpc = useTRPC();
  const t = useT();
  const overview = useQuery({
    ...trpc.quotas.overview.queryOptions(undefined, { refetchInterval: QUOTA_PAGE_REFRESH_MS }),
    initialData: initial,
  });
  const mailboxes = overview.data;
  if (mailboxes.length === 0) return <p className="text-sm text-slate-500">{t("quota.none")}</p>;
  return (
    <ul className="divide-y divide-stone-100">
      {mailboxes.map((m) => {
        const shares = limitShares(m);
        const warnAt = m.warnPercents[0] ?? null;
        return (
          <li key={m.id} className="py-4 first:pt-0 last:pb-0" aria-labelledby={`quota-${m.id}`}>
            <div className="flex items-baseline justify-between gap-3">
              <h3 id={`quota-${m.id}`} className="font-medium">
                {m.address}
              </h3>
              {m.level > 0 ? (
                <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900">
                  {t("quota.reached", { percent: m.level })}
                </span>
              ) : null}
            </div>
            <div className="mt-2 flex flex-wrap gap-x-8 gap-y-3">
              <div>
                <p className="text-xs text-slate-600">
                  {t("quota.storage")}:{" "}
                  {t("quota.usageBytes", {
                    used: formatSize(m.usedBytes),
                    quota: m.quotaBytes === null ? t("quota.unlimited") : formatSize(m.quotaBytes),
                  })}
                </p>
                <UsageBar label={t("quota.storageOf", { address: m.address })} share={shares.bytes} warnAt={warnAt} />
              </div>
              <div>
                <p className="text-xs text-slate-600">
                  {t("quota.messages")}:{" "}
                  {t("quota.usageMessages", {
                    used: m.usedMessages,
                    quota: m.quotaMessages === null ? t("quota.unlimited") : m.quotaMessages,
                  })}
                </p>
                <UsageBar
                  label={t("quota.messagesOf", { address: m.address })}
                  share={shares.messages}
                  warnAt={warnAt}
                />
              </div>
            </div>
            <div className="mt-2 text-xs text-slate-600">
              <span className="font-medium">{t("quota.largestFolders")}: </span>
              {m.largestFolders.length === 0
                ? t("quota.noFolders")
                : m.largestFolders
                    .map((f) => t("quota.folder", { name: f.name, size: formatSize(f.bytes), count: f.messages }))
                    .join(" · ")}
              <span className="ml-3">
                {m.warnPercents.length
                  ? t("quota.warningsAt", { percents: m.warnPercents.map((p) => `${p}%`).join(", ") })
                  : t("quota.noWarnings")}
              </span>
            </div>
            <div className="mt-3 flex flex-wrap items-start gap-4">
              <QuotaLimitsForm usage={m} />
              <RecalculateButton address={m.address} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
