"use client";
import type { ConversationStatus } from "../../components/status-badge.tsx";
import { useT } from "../../i18n/client.tsx";
import { ConversationList } from "../inbox/conversation-list.tsx";
import type { ConversationRow, Density } from "../inbox/conversation-row.tsx";
import type { ListCursor } from "../inbox/list-merge.ts";

/** A search result is an inbox row (server/conversations/inbox-rows.ts): the same row component shows it. */
export type SearchRow = ConversationRow;

export type SearchCursor = ListCursor;

/** Matching conversations, newest first, in the inbox's (virtualised, paged) list. */
export function SearchResults({
  q,
  initial,
  initialCursor,
  labels,
  showMailbox,
  density,
}: {
  q: string;
  initial: SearchRow[];
  initialCursor: SearchCursor;
  labels: Record<ConversationStatus, string>;
  /** The reader has several mailboxes: each row says which one. */
  showMailbox: boolean;
  density: Density;
}) {
  const t = useT();
  return (
    <ConversationList
      initial={initial}
      initialCursor={initialCursor}
      source={{ kind: "search", q }}
      label={t("list.searchResults")}
      showMailbox={showMailbox}
      labels={labels}
      density={density}
    />
  );
}
