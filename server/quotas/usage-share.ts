// How full a mailbox is, for bars and banners: the share of the fuller of its
// two limits. Pure, so the browser bundle can use it (like quota-size.ts).

export interface UsageNumbers {
  usedBytes: number;
  quotaBytes: number | null;
  usedMessages: number;
  quotaMessages: number | null;
}

/** 0–1 for each limit (null when unlimited); past 1 when a quota was lowered below usage. */
export function limitShares(u: UsageNumbers): { bytes: number | null; messages: number | null } {
  const share = (used: number, quota: number | null) => (quota === null ? null : quota === 0 ? 1 : used / quota);
  return { bytes: share(u.usedBytes, u.quotaBytes), messages: share(u.usedMessages, u.quotaMessages) };
}

/** Whole percent of the fuller limit, 0 when unlimited. */
export function usagePercent(u: UsageNumbers): number {
  const { bytes, messages } = limitShares(u);
  return Math.floor(Math.max(bytes ?? 0, messages ?? 0) * 100);
}
