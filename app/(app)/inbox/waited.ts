// How long a customer has waited, as a row of the waiting-longest sort shows it: "45 min",
// "2 h", "3 d" (「2時間」). Whole units, rounded down: a wait is never shown longer than it is.
import type { T } from "../../i18n/translate.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The wait from `since` to `now` (both epoch ms); under a minute shows as "0 min", a clock ahead as no wait. */
export function formatWaited(since: number, now: number, t: T): string {
  const ms = Math.max(0, now - since);
  if (ms < HOUR) return t("waited.minutes", { n: Math.floor(ms / MINUTE) });
  if (ms < DAY) return t("waited.hours", { n: Math.floor(ms / HOUR) });
  return t("waited.days", { n: Math.floor(ms / DAY) });
}
