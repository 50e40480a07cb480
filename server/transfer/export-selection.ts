// What an export covers: every live message of the mailbox, or the messages
// of the conversations a search finds in it (the search box's syntax and
// rules, server/search/). The search runs once, when the job starts, and its
// conversations are kept with the job (TransferConversation), so an export
// taken up again after a restart writes the same selection.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { parseSearchQuery } from "../search/parse-query.ts";
import { searchConversations } from "../search/search-conversations.ts";

const PAGE = 200;

export const EMPTY_EXPORT_SEARCH = "The search is empty: leave it out to export the whole mailbox.";

/** The ids of the mailbox's conversations that match `query`, newest first. */
export async function conversationsMatching(input: {
  mailboxId: AuthorizedMailboxId;
  query: string;
  /** Whose "assignee:me" it is; the command line has no one (0). */
  userId: number;
}): Promise<number[]> {
  const query = parseSearchQuery(input.query);
  if (query.terms.length === 0) throw new InputError(EMPTY_EXPORT_SEARCH);
  const ids: number[] = [];
  let before: { lastMessageAt: Date; id: number } | undefined;
  for (;;) {
    const page = await searchConversations({
      userId: input.userId,
      query,
      within: [input.mailboxId],
      before,
      limit: PAGE,
    });
    ids.push(...page.map((c) => c.id));
    const last = page.at(-1);
    if (page.length < PAGE || !last) return ids;
    before = { lastMessageAt: last.lastMessageAt, id: last.id };
  }
}

/** Live messages an export of the mailbox (or of these conversations) will write. */
export async function countExportMessages(mailboxId: number, conversationIds: number[] | null): Promise<number> {
  const [row] = await sql.$queryRaw<{ count: number }[]>`
    select count(*)::int as count from "Message"
    where "mailboxId" = ${mailboxId}::int and "deletedAt" is null
      and (${conversationIds === null} or "conversationId" = any(${conversationIds ?? []}::int[]))`;
  return row?.count ?? 0;
}
