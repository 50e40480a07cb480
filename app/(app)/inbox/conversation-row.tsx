"use client";
// One conversation as a row of the inbox or search list.
import Link from "next/link";
import { memo } from "react";
import { LocalTime } from "../../components/local-time.tsx";
import { PresenceAvatars } from "../../components/presence.tsx";
import { type ConversationStatus, StatusBadge } from "../../components/status-badge.tsx";
import { useT } from "../../i18n/client.tsx";

export interface ConversationRow {
  id: number;
  mailbox: { id: number; address: string; displayName: string };
  subject: string;
  customer: { name: string; email: string } | null;
  snippet: string;
  status: ConversationStatus;
  messageCount: number;
  lastMessageAt: string;
  tags?: { id: number; name: string }[];
  assignee?: { id: number; name: string } | null;
  snoozedUntil?: string | null;
  /** Some message of it is not \Seen yet. */
  unread?: boolean;
  /** The reader has a draft reply in it. */
  draft?: boolean;
}

/**
 * The list re-renders on every scroll frame (the rendered window moves); a row already on
 * screen keeps its props, so it is not rendered again (its dates alone cost several Intl
 * formatters each).
 */
export const StableRowLink = memo(function StableRowLink(props: Parameters<typeof ConversationRowLink>[0]) {
  return <ConversationRowLink {...props} />;
});

/**
 * One conversation as a row linking to it; the inbox and the search results share it. In the
 * inbox a checkbox for bulk actions (use-bulk-selection.ts) sits beside the link, not in it
 * (a control inside a link is neither valid nor reachable), so the row's link stays `li > a`.
 */
export function ConversationRowLink({
  row,
  showMailbox,
  labels,
  checked,
  onCheck,
}: {
  row: ConversationRow;
  showMailbox: boolean;
  labels?: Record<ConversationStatus, string>;
  checked?: boolean;
  /** Given, the row has a checkbox; `range` is a shift-click. */
  onCheck?: (id: number, range: boolean) => void;
}) {
  const t = useT();
  const who = row.customer?.name || row.customer?.email || t("list.unknownSender");
  const link = (
    <Link
      href={`/conversations/${row.id}`}
      className={`block ${onCheck ? "py-4 pr-5 pl-12" : "px-5 py-4"} hover:bg-stone-50 focus-visible:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none focus-visible:ring-inset`}
    >
      <div className="flex items-baseline justify-between gap-4">
        <p className="min-w-0 truncate text-sm">
          <span className="font-semibold text-slate-900">{who}</span>
          {row.customer?.name && row.customer.email ? (
            <span className="ml-2 text-slate-500">{row.customer.email}</span>
          ) : null}
        </p>
        <span className="shrink-0 text-xs text-slate-500 tabular-nums">
          <LocalTime iso={row.lastMessageAt} />
        </span>
      </div>
      <div className="mt-1 flex items-center gap-2">
        {row.unread ? (
          <span className="size-2 shrink-0 rounded-full bg-sky-600" data-unread="true">
            <span className="sr-only">{t("list.unread")}</span>
          </span>
        ) : null}
        <p
          className={`min-w-0 truncate text-sm ${row.unread ? "font-bold text-slate-950" : "font-medium text-slate-800"}`}
        >
          {row.subject || t("common.noSubject")}
        </p>
        {row.messageCount > 1 ? (
          <span className="shrink-0 rounded-full bg-stone-100 px-1.5 text-xs text-slate-600 tabular-nums">
            {row.messageCount}
            <span className="sr-only">{t("list.messages")}</span>
          </span>
        ) : null}
        <PresenceAvatars conversationId={row.id} />
      </div>
      {row.snippet ? <p className="mt-0.5 truncate text-sm text-slate-500">{row.snippet}</p> : null}
      <div className="mt-2 flex items-center gap-2">
        <StatusBadge status={row.status} label={labels?.[row.status]} />
        {row.draft ? (
          <span
            data-testid="draft"
            className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200 ring-inset"
          >
            {t("list.draft")}
          </span>
        ) : null}
        {row.assignee !== undefined ? (
          <span className="truncate text-xs text-slate-600" data-testid="assignee">
            {row.assignee ? t("list.assignedTo", { name: row.assignee.name }) : t("list.unassigned")}
          </span>
        ) : null}
        {row.snoozedUntil && new Date(row.snoozedUntil) > new Date() ? (
          <span className="text-xs text-violet-800">
            {t("list.snoozedUntil")} <LocalTime iso={row.snoozedUntil} />
          </span>
        ) : null}
        {row.tags?.map((tag) => (
          <span
            key={tag.id}
            className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-200"
          >
            {tag.name}
          </span>
        ))}
        {showMailbox ? (
          <span className="truncate text-xs text-slate-500" title={row.mailbox.address}>
            {row.mailbox.displayName || row.mailbox.address}
          </span>
        ) : null}
      </div>
    </Link>
  );
  if (!onCheck) return link;
  return (
    <>
      <input
        type="checkbox"
        data-bulk-check=""
        aria-label={t("bulk.selectRow", { subject: row.subject || t("common.noSubject") })}
        checked={checked ?? false}
        // The click carries shiftKey (a range); Space on the box is a click too.
        onClick={(event) => onCheck(row.id, event.shiftKey)}
        readOnly
        className="absolute top-4.5 left-5 size-4 cursor-pointer accent-slate-700"
      />
      {link}
    </>
  );
}
