"use client";
import Link from "next/link";
import { useState } from "react";
import { LocalTime } from "../../components/local-time.tsx";
import { PresenceAvatars } from "../../components/presence.tsx";
import { type ConversationStatus, StatusBadge } from "../../components/status-badge.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPCClient } from "../../trpc/client.ts";
import type { InboxQuery } from "./inbox-query.ts";

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
}

export type ListCursor = { lastMessageAt: string; id: number } | null;

/** The inbox rows, newest first; "Load more" fetches the next keyset page over tRPC. */
export function ConversationList({
  initial,
  initialCursor,
  mailboxId,
  showMailbox,
  query,
  labels,
}: {
  initial: ConversationRow[];
  initialCursor: ListCursor;
  mailboxId: number | null;
  showMailbox: boolean;
  /** The folder view (workflow.inbox) whose next pages "Load more" fetches. */
  query?: InboxQuery;
  labels?: Record<ConversationStatus, string>;
}) {
  const client = useTRPCClient();
  const t = useT();
  const [rows, setRows] = useState(initial);
  const [cursor, setCursor] = useState(initialCursor);
  // A live refresh (router.refresh) brings a new first page: show it instead of the old rows.
  const [shownInitial, setShownInitial] = useState(initial);
  if (initial !== shownInitial) {
    setShownInitial(initial);
    setRows(initial);
    setCursor(initialCursor);
  }
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = query
        ? await client.workflow.inbox.query({ ...query, cursor })
        : await client.conversations.list.query({ mailboxId: mailboxId ?? undefined, cursor });
      // A conversation that got new mail meanwhile moved to the top; never show it twice.
      setRows((shown) => {
        const seen = new Set(shown.map((r) => r.id));
        return [...shown, ...page.items.filter((r) => !seen.has(r.id))];
      });
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as Error).message || t("list.loadError"));
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <ul
        aria-label="Conversations"
        className="mt-6 divide-y divide-stone-100 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
      >
        {rows.map((row) => (
          <li key={row.id}>
            <ConversationRowLink row={row} showMailbox={showMailbox} labels={labels} />
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="mt-4 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
      {cursor ? (
        <div className="mt-4 flex justify-center">
          <button
            type="button"
            onClick={loadMore}
            disabled={loading}
            aria-busy={loading}
            className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60"
          >
            {loading ? t("list.loading") : t("list.loadMore")}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** One conversation as a row linking to it; the inbox and the search results share it. */
export function ConversationRowLink({
  row,
  showMailbox,
  labels,
}: {
  row: ConversationRow;
  showMailbox: boolean;
  labels?: Record<ConversationStatus, string>;
}) {
  const t = useT();
  const who = row.customer?.name || row.customer?.email || t("list.unknownSender");
  return (
    <Link
      href={`/conversations/${row.id}`}
      className="block px-5 py-4 hover:bg-stone-50 focus-visible:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none focus-visible:ring-inset"
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
        <p className="min-w-0 truncate text-sm font-medium text-slate-800">{row.subject || t("common.noSubject")}</p>
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
}
