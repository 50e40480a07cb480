import { formatSize } from "../../../server/mailboxes/quota-size.ts";
import type { QuotaWarning } from "../../../server/quotas/quota-banner.ts";
import { usagePercent } from "../../../server/quotas/usage-share.ts";
import type { T } from "../../i18n/translate.ts";

/** Members see how full their mailboxes are once a warning threshold is reached (server/quotas/quota-banner.ts). */
export function QuotaBanner({ warnings, t }: { warnings: QuotaWarning[]; t: T }) {
  if (warnings.length === 0) return null;
  return (
    <div className="mt-4 space-y-2">
      {warnings.map((w) => {
        const usage = [
          w.quotaBytes === null
            ? null
            : t("quota.usageBytes", { used: formatSize(w.usedBytes), quota: formatSize(w.quotaBytes) }),
          w.quotaMessages === null ? null : t("quota.usageMessages", { used: w.usedMessages, quota: w.quotaMessages }),
        ]
          .filter(Boolean)
          .join(", ");
        return (
          <p
            key={w.mailboxId}
            role="status"
            data-quota-warning={w.address}
            className={`rounded-md border px-3 py-2 text-sm ${
              usagePercent(w) >= 100
                ? "border-rose-200 bg-rose-50 text-rose-900"
                : "border-amber-200 bg-amber-50 text-amber-900"
            }`}
          >
            {t("quota.banner", { address: w.address, percent: usagePercent(w), usage })}
          </p>
        );
      })}
    </div>
  );
}
