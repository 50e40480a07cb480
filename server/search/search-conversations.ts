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
// match from their start (voice does not find invoice).

import type { ConversationSummary } from "../conversations/list-conversations.ts";
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
  const unique = [...new Set(parts)];
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

/** Conditions on one message: all terms found (index, then substring) and the item conditions. */
function messageMatch(terms: TextTerm[], item: ItemConditions, tsquery: string | null): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(Prisma.sql`m."searchVector" @@ ${tsquery}::tsquery`);
  for (const t of terms) {
    if (!(tsquery && indexDecides(t))) parts.push(Prisma.sql`strpos(${MESSAGE_FIELD[t.field]}, ${t.value}) > 0`);
  }
  if (item.after) parts.push(Prisma.sql`m."internalDate" >= ${item.after}`);
  if (item.before) parts.push(Prisma.sql`m."internalDate" < ${item.before}`);
  if (item.hasAttachment) parts.push(Prisma.sql`m."hasAttachments"`);
  return parts.length ? Prisma.join(parts, " and ") : Prisma.sql`true`;
}

function noteMatch(terms: TextTerm[], item: ItemConditions, tsquery: string | null): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(Prisma.sql`n."searchVector" @@ ${tsquery}::tsquery`);
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
 * The SQL that selects one page of matching conversation ids (exported for
 * the EXPLAIN test), or null when the query can match nothing.
 */
export async function buildSearchSql(input: SearchInput): Promise<Prisma.Sql | null> {
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

  const where: Prisma.Sql[] = [Prisma.sql`c."mailboxId" = any(${mailboxIds}::int[])`];

  // Content: one message, or one note, satisfies every positive content condition.
  const positive = terms.filter((t): t is TextTerm => t.kind === "text" && !t.negated);
  const hasItemConditions = positive.length > 0 || item.after || item.before || item.hasAttachment;
  if (hasItemConditions) {
    const tsquery = allTsquery(positive);
    const notesCan = positive.every((t) => t.field === "any") && !item.hasAttachment;
    const inMessages = Prisma.sql`select m."conversationId" from "Message" m
      where m."mailboxId" = any(${mailboxIds}::int[]) and ${messageMatch(positive, item, tsquery)}`;
    const inNotes = Prisma.sql`select n."conversationId" from "Note" n where ${noteMatch(positive, item, tsquery)}`;
    if (tsquery) {
      // Candidates come from the GIN indexes; the conversation filters below keep notes inside the user's mailboxes.
      where.push(
        notesCan ? Prisma.sql`c.id in (${inMessages} union all ${inNotes})` : Prisma.sql`c.id in (${inMessages})`,
      );
    } else {
      // Only dates or has:attachment: look at each conversation's own messages (and notes).
      const own = Prisma.sql`exists (select 1 from "Message" m where m."conversationId" = c.id and ${messageMatch([], item, null)})`;
      where.push(
        notesCan
          ? Prisma.sql`(${own} or exists (select 1 from "Note" n where n."conversationId" = c.id and ${noteMatch([], item, null)}))`
          : own,
      );
    }
  }

  // Negated content: no message (or note) of the conversation matches.
  const noItem: ItemConditions = { after: null, before: null, hasAttachment: false };
  for (const t of terms) {
    if (t.kind === "text" && t.negated) {
      const q = termTsquery(t.value);
      where.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and ${messageMatch([t], noItem, q)})`,
      );
      if (t.field === "any") {
        where.push(
          Prisma.sql`not exists (select 1 from "Note" n where n."conversationId" = c.id and ${noteMatch([t], noItem, q)})`,
        );
      }
    } else if (t.kind === "has_attachment" && t.negated) {
      where.push(
        Prisma.sql`not exists (select 1 from "Message" m where m."conversationId" = c.id and m."hasAttachments")`,
      );
    }
  }

  // Conversation conditions.
  const statuses = terms.filter((t) => t.kind === "status");
  const wantedStatuses = statuses.filter((t) => !t.negated);
  if (wantedStatuses.length) {
    where.push(
      Prisma.sql`(${Prisma.join(
        wantedStatuses.map((t) => statusCondition(t.value)),
        " or ",
      )})`,
    );
  }
  for (const t of statuses.filter((t) => t.negated)) where.push(Prisma.sql`not ${statusCondition(t.value)}`);

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
    where.push(Prisma.sql`(${Prisma.join(await Promise.all(wantedAssignees.map(assigneeCondition)), " or ")})`);
  }
  for (const t of assignees.filter((t) => t.negated)) {
    where.push(Prisma.sql`not coalesce(${await assigneeCondition(t)}, false)`);
  }

  for (const t of terms) {
    if (t.kind !== "tag") continue;
    const tagged = Prisma.sql`exists (select 1 from "ConversationTag" ct join "Tag" tg on tg.id = ct."tagId"
      where ct."conversationId" = c.id and lower(normalize(tg.name, NFKC)) = ${t.value})`;
    where.push(t.negated ? Prisma.sql`not ${tagged}` : tagged);
  }

  if (input.before) {
    where.push(
      Prisma.sql`(c."lastMessageAt", c.id) < (${input.before.lastMessageAt}::timestamptz, ${input.before.id}::int)`,
    );
  }
  const limit = Math.max(1, Math.min(input.limit ?? SEARCH_PAGE_SIZE, 200));
  return Prisma.sql`select c.id from "Conversation" c where ${Prisma.join(where, " and ")}
    order by c."lastMessageAt" desc, c.id desc limit ${limit}::int`;
}

/** One page of matching conversations, newest first. */
export async function searchConversations(input: SearchInput): Promise<SearchHit[]> {
  await indexPendingNotes();
  const query = await buildSearchSql(input);
  if (!query) return [];
  const ids = (await db().$queryRaw<{ id: number }[]>(query)).map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db().conversation.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      subject: true,
      status: true,
      messageCount: true,
      lastMessageAt: true,
      mailbox: { select: { id: true, address: true, displayName: true } },
      contact: { select: { name: true, email: true } },
      messages: { orderBy: { internalDate: "desc" }, take: 1, select: { snippet: true } },
    },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        mailbox: r.mailbox,
        subject: r.subject,
        customer: r.contact,
        snippet: r.messages[0]?.snippet ?? "",
        status: r.status,
        messageCount: r.messageCount,
        lastMessageAt: r.lastMessageAt,
      },
    ];
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
