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
// rows for (SearchStrategy below): the cost follows the page, not the matches.

import { type ConversationSummary, SUMMARY_SELECT, toSummary } from "../conversations/conversation-summary.ts";
import { db, Prisma } from "../db.ts";
import { InputError } from "../errors.ts";
import { listMemberMailboxes } from "../mailboxes/list-member-mailboxes.ts";
import type { SearchQuery, SearchStatus, SearchTerm, TextField } from "./parse-query.ts";
import { bigrams, MAX_WORD, normalizeText, noteSearchTokens, textRuns } from "./tokens.ts";

/** A search result is an inbox row without its tags. */
export type SearchHit = Omit<ConversationSummary, "tags">;

export const SEARCH_PAGE_SIZE = 50;

export interface SearchInput {
  userId: number;
  query: SearchQuery;
  /** IANA name; dates in before:/after: are days in this zone. UTC when absent or unknown. */
  timeZone?: string | null;
  /** Keyset cursor: the last item of the previous page. */
  before?: { lastMessageAt: Date; id: number };
  limit?: number;
}

type TextTerm = Extract<SearchTerm, { kind: "text" }>;

/** Prefixes shorter than this are dropped from a term that has other tokens. */
const SHORT_PREFIX = 4;

/** tsquery text for one term: the AND of its tokens, the last word as a prefix. */
export function termTsquery(value: string): string | null {
  const runs = textRuns(normalizeText(value));
  const parts: string[] = [];
  runs.forEach((run, i) => {
    const last = i === runs.length - 1;
    if (run.kind === "cjk") {
      const grams = bigrams(run.text);
      // A lone character: the bigrams that start with it (and a one-character run).
      if (grams.length === 1 && Array.from(run.text).length === 1) parts.push(`${quoteLexeme(run.text)}:*`);
      else for (const g of grams) parts.push(quoteLexeme(g));
    } else {
      const chars = Array.from(run.text);
      const word = chars.length > MAX_WORD ? chars.slice(0, MAX_WORD).join("") : run.text;
      parts.push(last || chars.length > MAX_WORD ? `${quoteLexeme(word)}:*` : quoteLexeme(word));
    }
  });
  let unique = [...new Set(parts)];
  // A short prefix (the "com" of "alice@example.com") matches a great many words, which the GIN index
  // collects one by one; when the term has other tokens, leave it to the substring check.
  const short = (part: string) => part.endsWith(":*") && Array.from(part).length < SHORT_PREFIX + 4;
  if (unique.some((p) => !short(p))) unique = unique.filter((p) => !short(p));
  return unique.length ? unique.join(" & ") : null;
}

/**
 * True when the index alone decides the term: free text that is one word (of
 * at most MAX_WORD characters) or one CJK bigram or character. Its only token
 * comes from the same normalised fields, so a row the index returns contains
 * the term; the substring check (the costly part on common words) is skipped.
 */
export function indexDecides(term: { field: TextField; value: string }): boolean {
  if (term.field !== "any") return false;
  const runs = textRuns(term.value);
  const only = runs[0];
  if (runs.length !== 1 || !only || only.text !== term.value) return false;
  return only.kind === "cjk" ? Array.from(only.text).length <= 2 : Array.from(only.text).length <= MAX_WORD;
}

function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

// The texts a term is verified against, normalised the same way as the query (NFKC, lower case).
const MESSAGE_FIELD: Record<TextField, Prisma.Sql> = {
  any: Prisma.sql`lower(normalize(concat_ws(' ', m.subject, m."fromName", m."fromAddress", m."toAddresses"::text,
    m."ccAddresses"::text, jsonb_path_query_array(m.attachments, '$[*].filename')::text, m."textBody"), NFKC))`,
  from: Prisma.sql`lower(normalize(concat_ws(' ', m."fromName", m."fromAddress"), NFKC))`,
  to: Prisma.sql`lower(normalize(concat_ws(' ', m."toAddresses"::text, m."ccAddresses"::text), NFKC))`,
  subject: Prisma.sql`lower(normalize(m.subject, NFKC))`,
};
const NOTE_TEXT = Prisma.sql`lower(normalize(n.body, NFKC))`;

interface ItemConditions {
  after: Date | null;
  before: Date | null;
  hasAttachment: boolean;
}

/**
 * How a condition on a search vector is written. "index": so that the GIN index can answer it.
 * "probe": inside a per-conversation probe, where the planner must walk the conversation's own few
 * rows — coalesce() hides the column from the GIN index, whose row estimate for an AND of common
 * CJK bigrams (e.g. パスワード) is far too low and would otherwise scan the posting lists per probe.
 */
type VectorUse = "index" | "probe";

function vectorMatches(column: Prisma.Sql, tsquery: string, use: VectorUse): Prisma.Sql {
  return use === "index"
    ? Prisma.sql`${column} @@ ${tsquery}::tsquery`
    : Prisma.sql`coalesce(${column}, ''::tsvector) @@ ${tsquery}::tsquery`;
}

/** Conditions on one message: all terms found (index, then substring) and the item conditions. */
function messageMatch(terms: TextTerm[], item: ItemConditions, tsquery: string | null, use: VectorUse): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(vectorMatches(Prisma.sql`m."searchVector"`, tsquery, use));
  for (const t of terms) {
    if (!(tsquery && indexDecides(t))) parts.push(Prisma.sql`strpos(${MESSAGE_FIELD[t.field]}, ${t.value}) > 0`);
  }
  if (item.after) parts.push(Prisma.sql`m."internalDate" >= ${item.after}`);
  if (item.before) parts.push(Prisma.sql`m."internalDate" < ${item.before}`);
  if (item.hasAttachment) parts.push(Prisma.sql`m."hasAttachments"`);
  return parts.length ? Prisma.join(parts, " and ") : Prisma.sql`true`;
}

function noteMatch(terms: TextTerm[], item: ItemConditions, tsquery: string | null, use: VectorUse): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(vectorMatches(Prisma.sql`n."searchVector"`, tsquery, use));
  for (const t of terms)
    if (!(tsquery && indexDecides(t))) parts.push(Prisma.sql`strpos(${NOTE_TEXT}, ${t.value}) > 0`);
  if (item.after) parts.push(Prisma.sql`n."createdAt" >= ${item.after}`);
  if (item.before) parts.push(Prisma.sql`n."createdAt" < ${item.before}`);
  return parts.length ? Prisma.join(parts, " and ") : Prisma.sql`true`;
}

function allTsquery(terms: TextTerm[]): string | null {
  const parts = terms.map((t) => termTsquery(t.value)).filter((q): q is string => q !== null);
  return parts.length ? parts.join(" & ") : null;
}

/** Midnight at the start of `day` (YYYY-MM-DD) in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds settle the offset across a DST change.
  let at = wall - offsetMs(wall, timeZone);
  at = wall - offsetMs(at, timeZone);
  return new Date(at);
}

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(at / 1000) * 1000;
}

function validTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

function statusCondition(status: SearchStatus): Prisma.Sql {
  if (status === "snoozed") return Prisma.sql`(c."snoozedUntil" is not null and c."snoozedUntil" > now())`;
  if (status === "open") {
    return Prisma.sql`(c.status = 'open' and (c."snoozedUntil" is null or c."snoozedUntil" <= now()))`;
  }
  return Prisma.sql`c.status = ${status}::"ConversationStatus"`;
}

/**
 * How a page is found. Conversations are shown newest first, so the cheapest
 * plan depends on how common the query's text is.
 *   - "walk": candidate conversations newest first (the Conversation index
 *     that matches the sort), each probed through its own messages and notes
 *     ("Message_conversationId_internalDate_idx"), stopping when the page is
 *     full. Cost follows the conversations looked at (~5–10 µs each when
 *     cached, ~5 messages per conversation), so it is fast when many
 *     conversations match and slow for a rare term (it may look at every
 *     conversation).
 *   - "window": the K newest candidates, intersected (BitmapAnd) with the GIN
 *     index's matching messages; a full page from the window is the answer.
 *     Cost follows K plus the term's posting list, whatever the match count.
 *   - "index": every matching message and note from the GIN indexes (without
 *     text: the messages with attachments, or in the date range), then their
 *     conversations sorted. Cost follows the number of matching
 *     messages: fast for rare terms, slow for common ones.
 *   - "auto" (the default): a ladder, each step taken only when the one before
 *     could not answer: the walk over WALK_BUDGET conversations (common
 *     terms), a window of 10× that (a term in ≥ 0.5 % of recent
 *     conversations) and the index stopped after 5× WALK_BUDGET matching
 *     items (rare terms) — in the order the planner's row estimates suggest —
 *     a window of 100×, and last the whole index. Every step is exact: a walk
 *     or window answers only from a prefix of the newest-first order holding
 *     a full page (or every candidate), the capped index only when it was not
 *     capped.
 */
export type SearchStrategy = "auto" | "walk" | "window" | "index";

/**
 * Conversations the walk probes before "auto" moves on (~5–10 ms on the bench:web dataset, warm; see
 * docs/benchmarks.md). The later steps scale with it: a window of 10×, at most 5× matching items for
 * the capped index, a window of 100×.
 */
export const WALK_BUDGET = 1000;

/** Tokens whose estimates are asked for (the minimum over any subset still bounds the AND from above). */
const MAX_ESTIMATED_TOKENS = 16;

/** The GIN path's scope: the `window` newest candidates (all when null); at most `cap` matching items (all when null). */
export interface IndexScope {
  window?: number | null;
  cap?: number | null;
}

export interface SearchSql {
  /** The walk; budgeted unless `budget` is null. Rows: id, lastMessageAt, hit, last (the budget's last candidate). */
  walk: (budget: number | null) => Prisma.Sql;
  /**
   * The GIN path within `scope`. One row: ids (the page, in order), considered (candidates in the
   * window) and found (matching items, when capped). Null when the query has no text,
   * has:attachment or date to look up; the unbudgeted walk is then the only way.
   */
  index: ((scope: IndexScope) => Prisma.Sql) | null;
  /** EXPLAIN of the messages' GIN lookup of each token, whose smallest row estimate orders the ladder's middle steps. */
  estimate: Prisma.Sql | null;
  limit: number;
}

/**
 * The SQL of every step for one page of matching conversation ids (exported
 * for the EXPLAIN tests and the bench), or null when the query can match nothing.
 */
export async function buildSearch(input: SearchInput): Promise<SearchSql | null> {
  const { terms } = input.query;
  const member = await listMemberMailboxes(input.userId);
  let mailboxes = member;
  const mailboxTerms = terms.filter((t) => t.kind === "mailbox");
  const matchesMailbox = (value: string) => (m: { address: string }) => {
    const address = m.address.toLowerCase();
    return address === value || address.split("@")[0] === value;
  };
  const wanted = mailboxTerms.filter((t) => !t.negated);
  if (wanted.length) {
    mailboxes = mailboxes.filter((m) => wanted.some((t) => matchesMailbox(t.value)(m)));
    if (mailboxes.length === 0) {
      throw new InputError(`None of your mailboxes is ${wanted.map((t) => `mailbox:${t.value}`).join(" or ")}`);
    }
  }
  for (const t of mailboxTerms.filter((t) => t.negated)) {
    mailboxes = mailboxes.filter((m) => !matchesMailbox(t.value)(m));
  }
  if (mailboxes.length === 0) return null;
  const mailboxIds = mailboxes.map((m) => m.id);

  const timeZone = validTimeZone(input.timeZone);
  const dayStart = (kind: "before" | "after") =>
    terms.flatMap((t) => (t.kind === kind ? [startOfDay(t.date, timeZone).getTime()] : []));
  const afters = dayStart("after");
  const befores = dayStart("before");
  const item: ItemConditions = {
    after: afters.length ? new Date(Math.max(...afters)) : null,
    before: befores.length ? new Date(Math.min(...befores)) : null,
    hasAttachment: terms.some((t) => t.kind === "has_attachment" && !t.negated),
  };

  // Conditions on the conversation row itself (and its tags): the walk applies them while walking.
  const own: Prisma.Sql[] = [Prisma.sql`c."mailboxId" = any(${mailboxIds}::int[])`];
  // Conditions that look at the conversation's messages and notes: the walk probes them per conversation.
  const negations: Prisma.Sql[] = [];
  let content: Prisma.Sql | null = null;

  // Content: one message, or one note, satisfies every positive content condition.
  const positive = terms.filter((t): t is TextTerm => t.kind === "text" && !t.negated);
  const hasItemConditions = positive.length > 0 || item.after || item.before || item.hasAttachment;
  const tsquery = allTsquery(positive);
  const notesCan = positive.every((t) => t.field === "any") && !item.hasAttachment;
  let candidates: ((window: boolean) => Prisma.Sql) | null = null;
  if (hasItemConditions) {
    const inOwnMessages = Prisma.sql`exists (select 1 from "Message" m
      where m."conversationId" = c.id and ${messageMatch(positive, item, tsquery, "probe")})`;
    const inOwnNotes = Prisma.sql`exists (select 1 from "Note" n
      where n."conversationId" = c.id and ${noteMatch(positive, item, tsquery, "probe")})`;
    content = notesCan ? Prisma.sql`(${inOwnMessages} or ${inOwnNotes})` : inOwnMessages;
    // The index path: candidates from the GIN indexes; without text, from the partial index
    // "Message_hasAttachments_sql" (has:attachment) or, for dates, "Message_conversationId_internalDate_idx"
    // (PostgreSQL 18 skip-scans it on internalDate; a BRIN index on internalDate went unused).
    if (tsquery || item.hasAttachment || item.before || item.after) {
      // The conversation conditions keep notes inside the user's mailboxes.
      // Authority is the conversation's mailbox (own, below): a message is in its conversation's mailbox.
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
  const noItem: ItemConditions = { after: null, before: null, hasAttachment: false };
  for (const t of terms) {
    if (t.kind === "text" && t.negated) {
      const q = termTsquery(t.value);
      negations.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and ${messageMatch([t], noItem, q, "probe")})`,
      );
      if (t.field === "any") {
        negations.push(
          Prisma.sql`not exists (select 1 from "Note" n where n."conversationId" = c.id and ${noteMatch([t], noItem, q, "probe")})`,
        );
      }
    } else if (t.kind === "has_attachment" && t.negated) {
      negations.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and m."hasAttachments")`,
      );
    }
  }

  // Conversation conditions.
  const statuses = terms.filter((t) => t.kind === "status");
  const wantedStatuses = statuses.filter((t) => !t.negated);
  if (wantedStatuses.length) {
    own.push(
      Prisma.sql`(${Prisma.join(
        wantedStatuses.map((t) => statusCondition(t.value)),
        " or ",
      )})`,
    );
  }
  for (const t of statuses.filter((t) => t.negated)) own.push(Prisma.sql`not ${statusCondition(t.value)}`);

  const assignees = terms.filter((t) => t.kind === "assignee");
  const assigneeCondition = async (t: Extract<SearchTerm, { kind: "assignee" }>): Promise<Prisma.Sql> => {
    if ("me" in t.value) return Prisma.sql`c."assigneeId" = ${input.userId}::int`;
    if ("none" in t.value) return Prisma.sql`c."assigneeId" is null`;
    const user = await db().user.findUnique({ where: { email: t.value.email }, select: { id: true } });
    // An unknown address is simply nobody's conversations.
    return user ? Prisma.sql`c."assigneeId" = ${user.id}::int` : Prisma.sql`false`;
  };
  const wantedAssignees = assignees.filter((t) => !t.negated);
  if (wantedAssignees.length) {
    own.push(Prisma.sql`(${Prisma.join(await Promise.all(wantedAssignees.map(assigneeCondition)), " or ")})`);
  }
  for (const t of assignees.filter((t) => t.negated)) {
    own.push(Prisma.sql`not coalesce(${await assigneeCondition(t)}, false)`);
  }

  for (const t of terms) {
    if (t.kind !== "tag") continue;
    const tagged = Prisma.sql`exists (select 1 from "ConversationTag" ct join "Tag" tg on tg.id = ct."tagId"
      where ct."conversationId" = c.id and lower(normalize(tg.name, NFKC)) = ${t.value})`;
    own.push(t.negated ? Prisma.sql`not ${tagged}` : tagged);
  }

  if (input.before) {
    // The first half is an index condition; the row comparison breaks ties on id.
    own.push(Prisma.sql`c."lastMessageAt" <= ${input.before.lastMessageAt}::timestamptz
      and (c."lastMessageAt", c.id) < (${input.before.lastMessageAt}::timestamptz, ${input.before.id}::int)`);
  }
  const limit = Math.max(1, Math.min(input.limit ?? SEARCH_PAGE_SIZE, 200));
  const ownWhere = Prisma.join(own, " and ");
  const probes = content ? [content, ...negations] : negations;
  const probeWhere = probes.length ? Prisma.join(probes, " and ") : Prisma.sql`true`;

  // The walk: candidates newest first (at most `budget`), numbered; each probed once (the lateral
  // subquery is kept apart by "offset 0"). Rows are the hits, plus the budget's last candidate
  // whatever it is, so the caller can tell "no more conversations" from "budget spent".
  const walk = (budget: number | null) => {
    const numbered = Prisma.sql`select c.id, c."lastMessageAt",
        row_number() over (order by c."lastMessageAt" desc, c.id desc) as n
      from "Conversation" c where ${ownWhere}
      order by c."lastMessageAt" desc, c.id desc`;
    const candidates = budget === null ? numbered : Prisma.sql`${numbered} limit ${budget}::int`;
    const last = budget === null ? Prisma.sql`false` : Prisma.sql`c.n = ${budget}::int`;
    return Prisma.sql`select c.id, c."lastMessageAt", p.hit, ${last} as last
      from (${candidates}) c
      cross join lateral (select ${probeWhere} as hit offset 0) p
      where p.hit or ${last}
      order by c."lastMessageAt" desc, c.id desc
      limit ${limit + 1}::int`;
  };

  const negated = negations.length ? Prisma.join(negations, " and ") : Prisma.sql`true`;
  const index = candidates
    ? ({ window = null, cap = null }: IndexScope) => {
        const from = window
          ? Prisma.sql`w as materialized (select c.id, c."lastMessageAt" from "Conversation" c where ${ownWhere}
              order by c."lastMessageAt" desc, c.id desc limit ${window}::int),`
          : Prisma.empty;
        const conversations = window ? Prisma.sql`w c` : Prisma.sql`"Conversation" c`;
        const own = window ? Prisma.sql`true` : ownWhere;
        const capped = cap ? Prisma.sql`select * from (${candidates(window !== null)}) x limit ${cap}::int` : null;
        return Prisma.sql`with ${from} hit as materialized (${capped ?? candidates(window !== null)})
          select ${window ? Prisma.sql`(select count(*) from w)::int` : Prisma.sql`null::int`} as considered,
            ${cap ? Prisma.sql`(select count(*) from hit)::int` : Prisma.sql`null::int`} as found,
            array(select c.id from ${conversations} where c.id in (select hit.id from hit) and ${own} and ${negated}
              order by c."lastMessageAt" desc, c.id desc limit ${limit}::int) as ids`;
      }
    : null;
  // The planner's row estimate for the GIN lookup of each token alone (EXPLAIN, no execution). Their
  // minimum bounds the AND from above; the planner's own estimate of the AND multiplies the tokens'
  // frequencies, far too low for tokens that come together (a family and a given name, CJK bigrams).
  const estimate = tsquery
    ? Prisma.sql`explain (format json) ${Prisma.join(
        [...new Set(tsquery.split(" & "))]
          .slice(0, MAX_ESTIMATED_TOKENS)
          .map((token) => Prisma.sql`select 1 from "Message" m where m."searchVector" @@ ${token}::tsquery`),
        " union all ",
      )}`
    : null;
  return { walk, index, estimate, limit };
}

/** The SQL of one strategy (for EXPLAIN): the unbudgeted walk, or the index path (over a window) when the query has one. */
export async function buildSearchSql(
  input: SearchInput,
  strategy: "walk" | "window" | "index",
  window = WALK_BUDGET * 10,
): Promise<Prisma.Sql | null> {
  const built = await buildSearch(input);
  if (!built) return null;
  if (strategy === "walk" || !built.index) return built.walk(null);
  return built.index({ window: strategy === "window" ? window : null });
}

type Step = "walk" | "window" | "index";

/** For tests and the bench; the app passes none of these. */
export interface SearchTuning {
  /** "auto" unless forced. */
  strategy?: SearchStrategy;
  /** WALK_BUDGET unless set; the later steps scale with it. */
  walkBudget?: number;
  /** Told which step answered. */
  onStrategy?: (by: Step) => void;
}

/** The planner's estimate of the messages the GIN lookup returns (Infinity when unknown). */
async function estimatedMessages(built: SearchSql): Promise<number> {
  if (!built.estimate) return Number.POSITIVE_INFINITY;
  interface PlanNode {
    "Node Type": string;
    "Plan Rows": number;
    Plans?: PlanNode[];
  }
  const [row] = await db().$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(built.estimate);
  const plan = row?.["QUERY PLAN"][0]?.Plan;
  if (!plan) return Number.POSITIVE_INFINITY;
  const parts = plan["Node Type"] === "Append" && plan.Plans ? plan.Plans : [plan];
  return Math.min(...parts.map((p) => p["Plan Rows"]));
}

/** Matching conversation ids of one page, newest first, and the step that found them. */
async function matchingIds(
  built: SearchSql,
  strategy: SearchStrategy,
  budget: number,
): Promise<{ ids: number[]; by: Step }> {
  const walk = async (b: number | null) => {
    const rows = await db().$queryRaw<{ id: number; hit: boolean; last: boolean }[]>(built.walk(b));
    const hits = rows.filter((r) => r.hit).map((r) => r.id);
    return { ids: hits.slice(0, built.limit), done: hits.length >= built.limit || !rows.some((r) => r.last) };
  };
  const { index } = built;
  if (!index || strategy === "walk") return { ids: (await walk(null)).ids, by: "walk" };
  const indexed = async (scope: IndexScope) => {
    const [row] = await db().$queryRaw<{ ids: number[]; considered: number | null; found: number | null }[]>(
      index(scope),
    );
    const ids = row?.ids ?? [];
    // A capped step saw an arbitrary subset when it hit the cap: only a complete one answers. A window is a
    // prefix of the order, so a full page from it is the answer, and so is any page once it held every candidate.
    if (scope.cap && (row?.found ?? 0) >= scope.cap) return { ids, done: false };
    const windowFull = !!scope.window && (row?.considered ?? 0) >= scope.window;
    return { ids, done: ids.length >= built.limit || !windowFull };
  };
  if (strategy === "index") return { ids: (await indexed({})).ids, by: "index" };
  if (strategy === "window") {
    // Forced windows (tests): grow until one answers.
    for (let window = budget; ; window *= 10) {
      const step = await indexed({ window });
      if (step.done) return { ids: step.ids, by: "window" };
    }
  }
  const first = await walk(budget);
  if (first.done) return { ids: first.ids, by: "walk" };
  // Not common among the newest conversations. The window of 10× answers a term that is merely uncommon,
  // the capped index a rare one (or one common only further back); the planner's estimate of the
  // matching messages says which to try first.
  const cap = budget * 5;
  const capped = async () => ({ ...(await indexed({ cap })), by: "index" as const });
  const recent = async () => ({ ...(await indexed({ window: budget * 10 })), by: "window" as const });
  const rareFirst = (await estimatedMessages(built)) <= cap;
  for (const step of rareFirst ? [capped, recent] : [recent, capped]) {
    const answer = await step();
    if (answer.done) return { ids: answer.ids, by: answer.by };
  }
  const older = await indexed({ window: budget * 100 });
  if (older.done) return { ids: older.ids, by: "window" };
  return { ids: (await indexed({})).ids, by: "index" };
}

/** One page of matching conversations, newest first. */
export async function searchConversations(input: SearchInput & SearchTuning): Promise<SearchHit[]> {
  await indexPendingNotes();
  const built = await buildSearch(input);
  if (!built) return [];
  const { ids, by } = await matchingIds(built, input.strategy ?? "auto", input.walkBudget ?? WALK_BUDGET);
  input.onStrategy?.(by);
  if (ids.length === 0) return [];
  const rows = await db().conversation.findMany({ where: { id: { in: ids } }, select: SUMMARY_SELECT });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toSummary(r)] : [];
  });
}

// Notes written by code that does not fill Note.searchVector yet (or before
// this module existed) are indexed here, a batch at a time, before a search
// runs. addNote fills it in its own transaction, so this normally finds
// nothing; it then rests for a minute instead of looking on every search.
let notesCheckedAt = 0;
const NOTE_RECHECK_MS = 60_000;

export async function indexPendingNotes(options: { force?: boolean } = {}): Promise<number> {
  if (!options.force && Date.now() - notesCheckedAt < NOTE_RECHECK_MS) return 0;
  let total = 0;
  for (;;) {
    const pending = await db().$queryRaw<{ id: number; body: string }[]>`
      select id, body from "Note" where "searchVector" is null order by id limit 500`;
    if (pending.length === 0) break;
    await db().$transaction(
      pending.map(
        (n) =>
          db().$executeRaw`update "Note" set "searchVector" = array_to_tsvector(${noteSearchTokens(n.body)}::text[])
            where id = ${n.id} and "searchVector" is null`,
      ),
    );
    total += pending.length;
    if (pending.length < 500) break;
  }
  notesCheckedAt = Date.now();
  return total;
}
