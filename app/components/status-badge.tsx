"use client";
import { useT } from "../i18n/client.tsx";
import type { MessageKey } from "../i18n/translate.ts";

const STYLES = {
  open: "bg-sky-50 text-sky-800 ring-sky-200",
  pending: "bg-amber-50 text-amber-800 ring-amber-200",
  closed: "bg-stone-100 text-slate-600 ring-stone-200",
  spam: "bg-rose-50 text-rose-800 ring-rose-200",
} as const;

const LABELS: Record<keyof typeof STYLES, MessageKey> = {
  open: "status.open",
  pending: "status.pending",
  closed: "status.closed",
  spam: "status.spam",
};

export type ConversationStatus = keyof typeof STYLES;

/** `label` is the admin's name for the status (Setting "statusLabels"); the UI language's name by default. */
export function StatusBadge({ status, label }: { status: ConversationStatus; label?: string }) {
  const t = useT();
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}>
      {label ?? t(LABELS[status])}
    </span>
  );
}
