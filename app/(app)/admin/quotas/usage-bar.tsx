// One limit's usage as a bar: a real progressbar for assistive technology,
// amber from the first warning threshold, red when full.
export function UsageBar({
  label,
  share,
  warnAt,
}: {
  label: string;
  /** 0–1 (may pass 1); null when unlimited: no bar. */
  share: number | null;
  /** The lowest warning threshold, in percent. */
  warnAt: number | null;
}) {
  if (share === null) return null;
  const percent = Math.floor(share * 100);
  const colour = share >= 1 ? "bg-rose-600" : warnAt !== null && percent >= warnAt ? "bg-amber-500" : "bg-slate-700";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.min(percent, 100)}
      className="mt-1 h-1.5 w-56 rounded-full bg-stone-100"
    >
      <div className={`h-1.5 rounded-full ${colour}`} style={{ width: `${Math.min(share, 1) * 100}%` }} />
    </div>
  );
}
