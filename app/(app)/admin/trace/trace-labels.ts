// The words for a trace's kind and result, and the colour of a result.
import type { MessageKey } from "../../../i18n/translate.ts";

export const KIND_LABELS: Record<string, MessageKey> = {
  mx: "trace.kind.mx",
  submission: "trace.kind.submission",
  delivery: "trace.kind.delivery",
};

export const RESULT_LABELS: Record<string, MessageKey> = {
  delivered: "trace.result.delivered",
  rejected: "trace.result.rejected",
  deferred: "trace.result.deferred",
  bounced: "trace.result.bounced",
  abandoned: "trace.result.abandoned",
};

export const RESULT_STYLES: Record<string, string> = {
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  rejected: "bg-rose-50 text-rose-800 ring-rose-200",
  bounced: "bg-rose-50 text-rose-800 ring-rose-200",
  deferred: "bg-amber-50 text-amber-800 ring-amber-200",
  abandoned: "bg-stone-100 text-slate-600 ring-stone-200",
};

export const BADGE = "inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset";
