// The query's content conditions as SQL over a conversation c: a probe of its
// own messages and notes (the walk), the candidate conversations from the
// indexes (the index path), and the negated terms.
import { Prisma } from "../db.ts";
import { type ItemConditions, messageMatch, NO_ITEM_CONDITIONS, noteMatch } from "./item-match-sql.ts";
import type { SearchTerm } from "./parse-query.ts";
import { allTsquery, type TextTerm, termTsquery } from "./term-tsquery.ts";

export interface ContentSql {
  /** One message, or one note, of c satisfies every positive content condition; null without any. */
  probe: Prisma.Sql | null;
  /**
   * The ids of conversations with such an item, from the indexes; with `window`, only among the
   * conversations of the CTE w. Null when there is no text, has:attachment or date to look up.
   */
  candidates: ((window: boolean) => Prisma.Sql) | null;
  /** One condition on c per negated term: no message (or note) of c matches it. */
  negations: Prisma.Sql[];
  /** The positive terms' tsquery, whose tokens the planner estimates. */
  tsquery: string | null;
}

export function contentSql(terms: SearchTerm[], item: ItemConditions): ContentSql {
  let probe: Prisma.Sql | null = null;
  let candidates: ContentSql["candidates"] = null;

  // Content: one message, or one note, satisfies every positive content condition.
  const positive = terms.filter((t): t is TextTerm => t.kind === "text" && !t.negated);
  const hasItemConditions = positive.length > 0 || item.after || item.before || item.hasAttachment;
  const tsquery = allTsquery(positive);
  const notesCan = positive.every((t) => t.field === "any") && !item.hasAttachment;
  if (hasItemConditions) {
    const inOwnMessages = Prisma.sql`exists (select 1 from "Message" m
      where m."conversationId" = c.id and ${messageMatch(positive, item, tsquery, "probe")})`;
    const inOwnNotes = Prisma.sql`exists (select 1 from "Note" n
      where n."conversationId" = c.id and ${noteMatch(positive, item, tsquery, "probe")})`;
    probe = notesCan ? Prisma.sql`(${inOwnMessages} or ${inOwnNotes})` : inOwnMessages;
    // The index path: candidates from the GIN indexes; without text, from the partial index
    // "Message_hasAttachments_sql" (has:attachment) or, for dates, "Message_conversationId_internalDate_idx"
    // (PostgreSQL 18 skip-scans it on internalDate; a BRIN index on internalDate went unused). A query
    // bounded by before: without text is usually answered before this, by build-search.ts's `dated`.
    if (tsquery || item.hasAttachment || item.before || item.after) {
      // The conversation conditions keep notes inside the user's mailboxes.
      // Authority is the conversation's mailbox (checked with the conversation conditions, build-search.ts):
      // a message is in its conversation's mailbox.
      const inMessages = (scope: Prisma.Sql) => Prisma.sql`select m."conversationId" as id from "Message" m
        where ${scope} ${messageMatch(positive, item, tsquery, "index")}`;
      const inNotes = (scope: Prisma.Sql) => Prisma.sql`select n."conversationId" from "Note" n
        where ${scope} ${noteMatch(positive, item, tsquery, "index")}`;
      candidates = (window) => {
        const scope = (column: Prisma.Sql) =>
          window ? Prisma.sql`${column} = any(array(select w.id from w)) and` : Prisma.empty;
        const messages = inMessages(scope(Prisma.sql`m."conversationId"`));
        return notesCan
          ? Prisma.sql`${messages} union all ${inNotes(scope(Prisma.sql`n."conversationId"`))}`
          : messages;
      };
    }
  }

  // Negated content: no message (or note) of the conversation matches.
  const negations: Prisma.Sql[] = [];
  for (const t of terms) {
    if (t.kind === "text" && t.negated) {
      const q = termTsquery(t.value);
      negations.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and ${messageMatch([t], NO_ITEM_CONDITIONS, q, "probe")})`,
      );
      if (t.field === "any") {
        negations.push(
          Prisma.sql`not exists (select 1 from "Note" n where n."conversationId" = c.id and ${noteMatch([t], NO_ITEM_CONDITIONS, q, "probe")})`,
        );
      }
    } else if (t.kind === "has_attachment" && t.negated) {
      negations.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and m."hasAttachments")`,
      );
    }
  }
  return { probe, candidates, negations, tsquery };
}
