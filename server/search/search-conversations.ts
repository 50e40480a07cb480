// Search over the conversations of the mailboxes a user belongs to, newest
// first with keyset paging, for a query parsed by parse-query.ts.
//
// Semantics (one rule, "per item"):
//   - Content conditions hold together on ONE item of the conversation. A
//     conversation matches when one of its messages satisfies every positive
//     text term (free text over subject, sender, To/Cc, body and attachment
//     names; from:, to:, subject: on their field), and the dates (before:,
//     after: on the message's received time) and has:attachment — or when one
//     of its notes contains every free-text term and was written in the date
//     range (a note has no sender, recipients, subject or attachments, so a
//     query with from:/to:/subject:/has:attachment is answered by messages only).
//   - Conversation conditions hold on the conversation: status:, assignee:,
//     tag:, mailbox:. Several positive status:, assignee: or mailbox: terms
//     mean any of them (a conversation has only one); several tag: terms mean
//     all of them.
//   - A negated term excludes the conversation when ANY of its messages (or
//     notes, for free text) matches it: -invoice hides every conversation that
//     mentions an invoice anywhere, -has:attachment those with an attachment.
//
// Text matching: each term becomes the AND of its tokens (tokens.ts) looked up
// through the GIN indexes "Message_searchVector_sql" / "Note_searchVector_sql",
// then every candidate is VERIFIED by a substring check on the NFKC-normalised,
// lower-cased field, so "請求書" does not match a text that only has "請求" and
// "求書" apart. A word's last token is a prefix (invoic finds invoice); words
// match from their start (voice does not find invoice). The tokens are tested
// against each conversation's own messages while walking conversations newest
// first, or looked up in the GIN indexes — whichever the page needs fewer
// rows for (search-planner.ts): the cost follows the page, not the matches.
//
// The parts, in the order a query meets them: search-mailboxes.ts (mailbox:),
// conversation-conditions.ts (status:, assignee:, tag:, the cursor),
// day-start.ts and item-match-sql.ts (dates, one message or note),
// term-tsquery.ts (text to tokens), content-sql.ts, build-search.ts (the SQL of
// each step), search-planner.ts (which step answers), index-pending-notes.ts.

import { type InboxConversation, inboxRowsById } from "../conversations/inbox-rows.ts";
import type { Prisma } from "../db.ts";
import { buildSearch, type SearchSqlInput } from "./build-search.ts";
import { indexPendingNotes } from "./index-pending-notes.ts";
import { matchingIds, type SearchTuning, WALK_BUDGET } from "./search-planner.ts";

/** A search result is an inbox row (the inbox and the search list show the same row). */
export type SearchHit = InboxConversation;

export const SEARCH_PAGE_SIZE = 50;
/** The most rows a caller may ask for in one page. */
const MAX_PAGE_SIZE = 200;

export interface SearchInput extends Omit<SearchSqlInput, "limit"> {
  /** SEARCH_PAGE_SIZE when absent; 1 to 200. */
  limit?: number;
}

function withPageLimit(input: SearchInput): SearchSqlInput {
  return { ...input, limit: Math.max(1, Math.min(input.limit ?? SEARCH_PAGE_SIZE, MAX_PAGE_SIZE)) };
}

/** One page of matching conversations, newest first. */
export async function searchConversations(input: SearchInput & SearchTuning): Promise<SearchHit[]> {
  await indexPendingNotes();
  const built = await buildSearch(withPageLimit(input));
  if (!built) return [];
  const { ids, by } = await matchingIds(built, input.strategy ?? "auto", input.walkBudget ?? WALK_BUDGET);
  input.onStrategy?.(by);
  if (ids.length === 0) return [];
  return inboxRowsById(input.userId, ids);
}

/**
 * The SQL of one strategy (for the EXPLAIN tests and the bench): the unbudgeted walk, or the index
 * path (over a window) when the query has one. Null when the query can match nothing.
 */
export async function buildSearchSql(
  input: SearchInput,
  strategy: "walk" | "window" | "index",
  window = WALK_BUDGET * 10,
): Promise<Prisma.Sql | null> {
  const built = await buildSearch(withPageLimit(input));
  if (!built) return null;
  if (strategy === "walk" || !built.index) return built.walk(null);
  return built.index({ window: strategy === "window" ? window : null });
}
