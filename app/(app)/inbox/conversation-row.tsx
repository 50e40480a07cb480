"use client";
// One conversation as a row of the inbox or search list.
import Link from "next/link";
import { memo } from "react";
import { LocalTime } from "../../components/local-time.tsx";
import { PresenceAvatars } from "../../components/presence.tsx";
import { type ConversationStatus, StatusBadge } from "../../components/status-badge.tsx";
import { useT } from "../../i18n/client.tsx";
import { formatWaited } from "./waited.ts";

/** How many rows fit on a screen (User.inboxDensity): two or three lines each, or one. */
export type Density = "comfortable" | "compact";

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
  /** Since when the customer has waited (the waiting-longest sort only). */
  waitingSince?: string | null;
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
  density = "comfortable",
  now,
  open,
  onOpen,
}: {
  row: ConversationRow;
  showMailbox: boolean;
  labels?: Record<ConversationStatus, string>;
  checked?: boolean;
  /** Given, the row has a checkbox; `range` is a shift-click. */
  onCheck?: (id: number, range: boolean) => void;
  density?: Density;
  /** The clock the waiting time is measured against (epoch ms); without it no waiting time shows. */
  now?: number;
  /** The conversation shown in the reading pane. */
  open?: boolean;
  /** A plain click; answering true keeps the link from navigating (the reading pane opened it). */
  onOpen?: (id: number) => boolean;
}) {
  const t = useT();
  const who = row.customer?.name || row.customer?.email || t("list.unknownSender");
  const waited =
    row.waitingSince && now !== undefined ? (
      <span
        data-testid="waited"
        className="shrink-0 rounded bg-orange-50 px-1.5 text-xs font-medium text-orange-800 tabular-nums ring-1 ring-orange-200 ring-inset"
      >
        <span className="sr-only">
          {t("waited.label", { time: formatWaited(Date.parse(row.waitingSince), now, t) })}
        </span>
        <span aria-hidden="true">{formatWaited(Date.parse(row.waitingSince), now, t)}</span>
      </span>
    ) : null;
  const onClick = onOpen
    ? (event: React.MouseEvent<HTMLAnchorElement>) => {
        const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
        if (plain && onOpen(row.id)) event.preventDefault();
      }
    : undefined;
  const ring =
    "hover:bg-stone-50 focus-visible:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none focus-visible:ring-inset";
  const marked = open ? "bg-sky-50" : "";
  if (density === "compact") {
    const compact = (
      <Link
        href={`/conversations/${row.id}`}
        onClick={onClick}
        data-open={open ? "true" : undefined}
        className={`flex items-center gap-3 ${onCheck ? "py-2 pr-4 pl-12" : "px-4 py-2"} text-sm ${ring} ${marked}`}
      >
        {row.unread ? (
          <span className="size-2 shrink-0 rounded-full bg-sky-600" data-unread="true">
            <span className="sr-only">{t("list.unread")}</span>
          </span>
        ) : (
          <span className="size-2 shrink-0" />
        )}
        <span className="w-20 shrink-0 truncate font-semibold text-slate-900 @2xl:w-40">{who}</span>
        <span className="min-w-0 flex-1 truncate">
          <span className={row.unread ? "font-bold text-slate-950" : "font-medium text-slate-800"}>
            {row.subject || t("common.noSubject")}
          </span>
          {row.messageCount > 1 ? (
            <span className="ml-1.5 rounded-full bg-stone-100 px-1.5 text-xs text-slate-600 tabular-nums">
              {row.messageCount}
              <span className="sr-only">{t("list.messages")}</span>
            </span>
          ) : null}
          {row.snippet ? <span className="text-slate-500"> — {row.snippet}</span> : null}
        </span>
        <PresenceAvatars conversationId={row.id} />
        {/* A narrow list (beside the reading pane, a phone) keeps who has it; a wide one also the draft and mailbox. */}
        {row.draft ? (
          <span
            data-testid="draft"
            className="hidden shrink-0 rounded bg-amber-50 px-1.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200 ring-inset @2xl:inline"
          >
            {t("list.draft")}
          </span>
        ) : null}
        {row.assignee !== undefined ? (
          <span
            className={`max-w-24 shrink-0 truncate text-xs text-slate-600 @2xl:inline @2xl:max-w-40 ${row.assignee ? "" : "hidden"}`}
            data-testid="assignee"
          >
            {row.assignee ? t("list.assignedTo", { name: row.assignee.name }) : t("list.unassigned")}
          </span>
        ) : null}
        {showMailbox ? (
          <span
            className="hidden max-w-32 shrink-0 truncate text-xs text-slate-500 @2xl:inline"
            title={row.mailbox.address}
          >
            {row.mailbox.displayName || row.mailbox.address}
          </span>
        ) : null}
        <StatusBadge status={row.status} label={labels?.[row.status]} />
        {waited}
        <span className="shrink-0 text-right text-xs whitespace-nowrap text-slate-500 tabular-nums">
          <LocalTime iso={row.lastMessageAt} />
        </span>
      </Link>
    );
    return onCheck ? withCheckbox(compact, "top-2.5") : compact;
  }
  const link = (
    <Link
      href={`/conversations/${row.id}`}
      onClick={onClick}
      data-open={open ? "true" : undefined}
      className={`block ${onCheck ? "py-4 pr-5 pl-12" : "px-5 py-4"} ${ring} ${marked}`}
    >
      <div className="flex items-baseline justify-between gap-4">
        <p className="min-w-0 truncate text-sm">
          <span className="font-semibold text-slate-900">{who}</span>
          {row.customer?.name && row.customer.email ? (
            <span className="ml-2 text-slate-500">{row.customer.email}</span>
          ) : null}
        </p>
        <span className="flex shrink-0 items-center gap-2 text-xs text-slate-500 tabular-nums">
          {waited}
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
  return onCheck ? withCheckbox(link, "top-4.5") : link;

  // The bulk-action checkbox beside the link, not in it.
  function withCheckbox(content: React.ReactNode, top: string) {
    return (
      <>
        <input
          type="checkbox"
          data-bulk-check=""
          aria-label={t("bulk.selectRow", { subject: row.subject || t("common.noSubject") })}
          checked={checked ?? false}
          // The click carries shiftKey (a range); Space on the box is a click too.
          onClick={(event) => onCheck?.(row.id, event.shiftKey)}
          readOnly
          className={`absolute ${top} left-5 size-4 cursor-pointer accent-slate-700`}
        />
        {content}
      </>
    );
  }
}
