"use client";
import { useState } from "react";
import type { ConversationStatus } from "../../components/status-badge.tsx";
import { useTRPCClient } from "../../trpc/client.ts";
import { ConversationRowLink } from "../inbox/conversation-list.tsx";

export interface SearchRow {
  id: number;
  mailbox: { id: number; address: string; displayName: string };
  subject: string;
  customer: { name: string; email: string } | null;
  snippet: string;
  status: ConversationStatus;
  messageCount: number;
  lastMessageAt: string;
}

export type SearchCursor = { lastMessageAt: string; id: number } | null;

/** Matching conversations, newest first, laid out like the inbox; "Load more" fetches the next keyset page. */
export function SearchResults({
  q,
  initial,
  initialCursor,
}: {
  q: string;
  initial: SearchRow[];
  initialCursor: SearchCursor;
}) {
  const client = useTRPCClient();
  const [rows, setRows] = useState(initial);
  const [cursor, setCursor] = useState(initialCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = await client.search.conversations.query({ q, cursor });
      setRows((shown) => {
        const seen = new Set(shown.map((r) => r.id));
        return [
          ...shown,
          ...page.items.filter((r) => !seen.has(r.id)).map((r) => ({ ...r, lastMessageAt: String(r.lastMessageAt) })),
        ];
      });
      setCursor(
        page.nextCursor ? { lastMessageAt: String(page.nextCursor.lastMessageAt), id: page.nextCursor.id } : null,
      );
    } catch (e) {
      setError((e as Error).message || "Could not load more results.");
    } finally {
      setLoading(false);
    }
  }

  const showMailbox = new Set(rows.map((r) => r.mailbox.id)).size > 1;
  return (
    <>
      <ul
        aria-label="Search results"
        className="mt-6 divide-y divide-stone-100 overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
      >
        {rows.map((row) => (
          <li key={row.id}>
            <ConversationRowLink row={row} showMailbox={showMailbox} />
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
            {loading ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
    </>
  );
}
