"use client";
import type { ConversationStatus } from "../../components/status-badge.tsx";
import { useT } from "../../i18n/client.tsx";
import { ConversationList } from "../inbox/conversation-list.tsx";
import type { ListCursor } from "../inbox/list-merge.ts";

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

export type SearchCursor = ListCursor;

/** Matching conversations, newest first, in the inbox's (virtualised, paged) list. */
export function SearchResults({
  q,
  initial,
  initialCursor,
}: {
  q: string;
  initial: SearchRow[];
  initialCursor: SearchCursor;
}) {
  const t = useT();
  return (
    <ConversationList
      initial={initial}
      initialCursor={initialCursor}
      source={{ kind: "search", q }}
      label={t("list.searchResults")}
      showMailbox={new Set(initial.map((r) => r.mailbox.id)).size > 1}
    />
  );
}
