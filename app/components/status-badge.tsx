const STYLES = {
  open: "bg-sky-50 text-sky-800 ring-sky-200",
  pending: "bg-amber-50 text-amber-800 ring-amber-200",
  closed: "bg-stone-100 text-slate-600 ring-stone-200",
  spam: "bg-rose-50 text-rose-800 ring-rose-200",
} as const;

const LABELS = { open: "Open", pending: "Pending", closed: "Closed", spam: "Spam" } as const;

export type ConversationStatus = keyof typeof STYLES;

/** `label` is the admin's name for the status (Setting "statusLabels"); English by default. */
export function StatusBadge({ status, label }: { status: ConversationStatus; label?: string }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}>
      {label ?? LABELS[status]}
    </span>
  );
}
